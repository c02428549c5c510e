import { Pool, RowDataPacket } from 'mysql2/promise';
import { CheckpointStore } from '@eventloom/core/spi';
import { MySqlEventStore } from '../mysql-event-store';
import { tableNames } from '../schema/table-names';

/** Subscriber positions in the service's own database, for in-process delivery without a broker. */
export class MySqlCheckpointStore implements CheckpointStore {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    tablePrefix = '',
  ) {
    this.table = tableNames(tablePrefix).subscriberPositions;
  }

  static of(store: MySqlEventStore): MySqlCheckpointStore {
    return new MySqlCheckpointStore(store.pool, store.tables.prefix);
  }

  async load(subscriberId: string): Promise<number> {
    const [rows] = await this.pool.execute<RowDataPacket[]>(`SELECT position FROM ${this.table} WHERE subscriber_id = ?`, [subscriberId]);
    return rows.length ? Number(rows[0].position) : 0;
  }

  /** Every saved checkpoint, by subscriber id: what an operator's `status` lists. */
  async list(): Promise<Array<{ subscriberId: string; position: number; updatedAt: Date }>> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT subscriber_id, position, updated_at FROM ${this.table} ORDER BY subscriber_id`);
    return rows.map((r) => ({ subscriberId: r.subscriber_id as string, position: Number(r.position), updatedAt: r.updated_at as Date }));
  }

  /**
   * Moves a checkpoint to `position`, also backwards (save never does): a
   * replay sets it before the events to hand over again. Only while the
   * subscriber runs nowhere, or a late save of that run moves it forward again.
   */
  async reset(subscriberId: string, position: number): Promise<void> {
    await this.pool.execute(
      `INSERT INTO ${this.table} (subscriber_id, position) VALUES (?, ?) ON DUPLICATE KEY UPDATE position = VALUES(position)`,
      [subscriberId, position],
    );
  }

  async save(subscriberId: string, position: number): Promise<void> {
    // GREATEST: a late save from an older run must never move a subscriber back.
    await this.pool.execute(
      `INSERT INTO ${this.table} (subscriber_id, position) VALUES (?, ?)
       ON DUPLICATE KEY UPDATE position = GREATEST(position, VALUES(position))`,
      [subscriberId, position],
    );
  }
}
