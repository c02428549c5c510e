import { Pool, RowDataPacket } from 'mysql2/promise';
import { RebuildMarks } from '@eventloom/core/spi';
import { MySqlHandle, MySqlSource, openMySql } from '../connection';
import { SchemaGuard } from '../schema/schema-guard';
import { tableNames } from '../schema/table-names';

export type MySqlRebuildMarksOptions = MySqlSource & { readonly tablePrefix?: string };

/** The schema version whose migration creates `rebuild_marks`. */
const REBUILD_MARKS_SINCE = 3;

/** Rebuild marks in MySQL (table `<prefix>rebuild_marks`, created by `eventloom migrate` as schema version 3). */
export class MySqlRebuildMarks implements RebuildMarks {
  private readonly mysql: MySqlHandle;
  private readonly table: string;
  private readonly schema: SchemaGuard;

  constructor(options: MySqlRebuildMarksOptions) {
    const tables = tableNames(options.tablePrefix ?? '');
    this.mysql = openMySql(options, 1);
    this.table = tables.rebuildMarks;
    this.schema = new SchemaGuard(this.mysql.pool, tables, REBUILD_MARKS_SINCE, 'MySqlRebuildMarks');
  }

  /** The rebuild marks of a MySqlEventStore's database, on its pool and table prefix. */
  static of(store: { readonly pool: Pool; readonly tables: { readonly prefix: string } }): MySqlRebuildMarks {
    return new MySqlRebuildMarks({ pool: store.pool, tablePrefix: store.tables.prefix });
  }

  /** Checks that the schema has the table (else MySqlSchemaMissingError: run `eventloom migrate`). */
  async ready(): Promise<this> {
    await this.schema.ensure();
    return this;
  }

  async get(subscriberId: string): Promise<number> {
    await this.schema.ensure();
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(`SELECT position FROM ${this.table} WHERE subscriber_id = ?`, [subscriberId]);
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  /** Every mark, by subscriber id. */
  async list(): Promise<Array<{ subscriberId: string; position: number; rebuiltAt: Date }>> {
    await this.schema.ensure();
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(`SELECT subscriber_id, position, rebuilt_at FROM ${this.table} ORDER BY subscriber_id`);
    return rows.map((r) => ({ subscriberId: r.subscriber_id as string, position: Number(r.position), rebuiltAt: r.rebuilt_at as Date }));
  }

  async set(subscriberId: string, position: number): Promise<void> {
    await this.schema.ensure();
    await this.mysql.pool.query(
      `INSERT INTO ${this.table} (subscriber_id, position, rebuilt_at) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE position = VALUES(position), rebuilt_at = VALUES(rebuilt_at)`,
      [subscriberId, position, new Date()],
    );
  }

  /** Closes the pool if these marks opened it from a URL. */
  close(): Promise<void> {
    return this.mysql.close();
  }
}
