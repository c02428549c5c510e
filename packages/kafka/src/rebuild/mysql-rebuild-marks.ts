import { RowDataPacket } from 'mysql2/promise';
import { kafkaTableNames } from '../config';
import { RebuildMarks } from '../consumer/kafka-transport';
import { MySqlHandle, MySqlSource, openMySql } from '@eventloom/mysql';

/** A place to keep, per subscriber, the highest position its last rebuild handled. */
export interface RebuildMarkStore extends RebuildMarks {
  set(subscriberId: string, position: number): Promise<void>;
}

/** Rebuild marks in MySQL (table `<prefix>rebuild_marks`, created by init()). */
export class MySqlRebuildMarks implements RebuildMarkStore {
  private readonly mysql: MySqlHandle;
  private readonly table: string;

  constructor(options: MySqlSource & { readonly tablePrefix?: string }) {
    this.mysql = openMySql(options, 1);
    this.table = kafkaTableNames(options.tablePrefix).rebuildMarks;
  }

  async init(): Promise<this> {
    await this.mysql.pool.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
      subscriber_id VARCHAR(255) NOT NULL PRIMARY KEY,
      position BIGINT NOT NULL,
      rebuilt_at DATETIME(6) NOT NULL
    ) ENGINE=InnoDB`);
    return this;
  }

  async get(subscriberId: string): Promise<number> {
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(`SELECT position FROM ${this.table} WHERE subscriber_id = ?`, [subscriberId]);
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  async set(subscriberId: string, position: number): Promise<void> {
    await this.mysql.pool.query(
      `INSERT INTO ${this.table} (subscriber_id, position, rebuilt_at) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE position = VALUES(position), rebuilt_at = VALUES(rebuilt_at)`,
      [subscriberId, position, new Date()],
    );
  }

  close(): Promise<void> {
    return this.mysql.close();
  }
}
