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

  async save(subscriberId: string, position: number): Promise<void> {
    // GREATEST: a late save from an older run must never move a subscriber back.
    await this.pool.execute(
      `INSERT INTO ${this.table} (subscriber_id, position) VALUES (?, ?)
       ON DUPLICATE KEY UPDATE position = GREATEST(position, VALUES(position))`,
      [subscriberId, position],
    );
  }
}
