import { Pool, RowDataPacket } from 'mysql2/promise';
import { MySqlHandle, MySqlSource, openMySql } from '../connection';
import { SchemaGuard } from '../schema/schema-guard';
import { tableNames } from '../schema/table-names';

export type MySqlReplaysOptions = MySqlSource & { readonly tablePrefix?: string };

/** A replay (or rebuild) of one subscriber that has started and not finished. */
export interface ReplayInProgress {
  readonly subscriberId: string;
  /** The first position it hands to the subscriber again. */
  readonly fromPosition: number;
  /** Everything up to this position is handled (fromPosition - 1 before the first batch). */
  readonly position: number;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

/** The schema version whose migration creates `replays`. */
const REPLAYS_SINCE = 5;

/**
 * Replays in progress (table `<prefix>replays`, schema version 5): while a
 * subscriber is being replayed from the store, its row says from where and
 * how far it got, so that a replay killed halfway resumes there instead of
 * starting over. The row goes when the replay finishes.
 */
export class MySqlReplays {
  private readonly mysql: MySqlHandle;
  private readonly table: string;
  private readonly schema: SchemaGuard;

  constructor(options: MySqlReplaysOptions) {
    const tables = tableNames(options.tablePrefix ?? '');
    this.mysql = openMySql(options, 1);
    this.table = tables.replays;
    this.schema = new SchemaGuard(this.mysql.pool, tables, REPLAYS_SINCE, 'MySqlReplays');
  }

  static of(store: { readonly pool: Pool; readonly tables: { readonly prefix: string } }): MySqlReplays {
    return new MySqlReplays({ pool: store.pool, tablePrefix: store.tables.prefix });
  }

  async find(subscriberId: string): Promise<ReplayInProgress | undefined> {
    await this.schema.ensure();
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(`SELECT * FROM ${this.table} WHERE subscriber_id = ?`, [subscriberId]);
    return rows.length === 0 ? undefined : toReplay(rows[0]);
  }

  async list(): Promise<ReplayInProgress[]> {
    await this.schema.ensure();
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(`SELECT * FROM ${this.table} ORDER BY subscriber_id`);
    return rows.map(toReplay);
  }

  /** Starts (or starts over) a replay of the subscriber from `fromPosition`. */
  async begin(subscriberId: string, fromPosition: number): Promise<ReplayInProgress> {
    await this.schema.ensure();
    const now = new Date();
    await this.mysql.pool.query(
      `REPLACE INTO ${this.table} (subscriber_id, from_position, position, started_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
      [subscriberId, fromPosition, fromPosition - 1, now, now],
    );
    return { subscriberId, fromPosition, position: fromPosition - 1, startedAt: now, updatedAt: now };
  }

  /** Records that everything up to `position` is handled. */
  async advance(subscriberId: string, position: number): Promise<void> {
    await this.schema.ensure();
    await this.mysql.pool.query(`UPDATE ${this.table} SET position = GREATEST(position, ?), updated_at = ? WHERE subscriber_id = ?`, [
      position,
      new Date(),
      subscriberId,
    ]);
  }

  async finish(subscriberId: string): Promise<void> {
    await this.schema.ensure();
    await this.mysql.pool.query(`DELETE FROM ${this.table} WHERE subscriber_id = ?`, [subscriberId]);
  }

  close(): Promise<void> {
    return this.mysql.close();
  }
}

function toReplay(row: RowDataPacket): ReplayInProgress {
  return {
    subscriberId: row.subscriber_id as string,
    fromPosition: Number(row.from_position),
    position: Number(row.position),
    startedAt: row.started_at as Date,
    updatedAt: row.updated_at as Date,
  };
}
