import { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { BatchParticipant } from '@eventloom/core';
import { errorCode } from '../connection';
import { MySqlSchemaMissingError } from '../errors';
import { TableNames } from '../schema/table-names';

/** Dedup records written per INSERT statement at commit. */
const RECORDS_PER_STATEMENT = 1000;

/**
 * A MySQL view's share of a batch (a run of events handled as one unit of
 * work): one transaction on one connection for the whole run. Its dedup
 * records are looked up once, for every event of the run, when it opens, and
 * written with one multi-row INSERT just before COMMIT, so that the view's
 * changes, the records and nothing else commit together: a crash anywhere
 * before COMMIT leaves no trace, and the redelivered run applies it once.
 *
 * Two deliveries of the same event at once (say, a Kafka rebalance) may both
 * find no record; the second INSERT of the records then waits on the first's
 * row lock and fails as a duplicate, which rolls the whole run back, and
 * the delivery handles its events one by one (each finds its record).
 */
export class MySqlViewBatch implements BatchParticipant {
  private readonly handled = new Set<string>();

  private constructor(
    private readonly tx: PoolConnection,
    private readonly tables: TableNames,
    private readonly subscriberId: string,
    private readonly duplicates: ReadonlySet<string>,
  ) {}

  static async open(pool: Pool, tables: TableNames, subscriberId: string, eventIds: readonly string[]): Promise<MySqlViewBatch> {
    const tx = await pool.getConnection();
    try {
      await tx.query('START TRANSACTION');
      const [rows] = await tx.query<RowDataPacket[]>(
        `SELECT event_id FROM ${tables.receivedEvents} WHERE subscriber_id = ? AND event_id IN (?)`,
        [subscriberId, eventIds],
      );
      return new MySqlViewBatch(tx, tables, subscriberId, new Set(rows.map((row) => String(row.event_id))));
    } catch (error) {
      const reported = errorCode(error) === 'ER_NO_SUCH_TABLE' ? await schemaMissing(tx, tables.prefix, error) : error;
      await tx.rollback().then(
        () => tx.release(),
        () => tx.destroy(),
      );
      throw reported;
    }
  }

  isDuplicate(eventId: string): boolean {
    return this.duplicates.has(eventId) || this.handled.has(eventId);
  }

  /** Runs one event's change in the run's transaction; its record is written at commit. */
  async apply(eventId: string, handler: (tx: PoolConnection) => Promise<void>): Promise<void> {
    await handler(this.tx);
    this.handled.add(eventId);
  }

  async commit(): Promise<void> {
    try {
      const handled = [...this.handled];
      for (let i = 0; i < handled.length; i += RECORDS_PER_STATEMENT) {
        const ids = handled.slice(i, i + RECORDS_PER_STATEMENT);
        await this.tx.query(`INSERT INTO ${this.tables.receivedEvents} (subscriber_id, event_id) VALUES ?`, [ids.map((id) => [this.subscriberId, id])]);
      }
      await this.tx.commit();
    } catch (error) {
      await this.rollback();
      throw error;
    }
    this.tx.release();
  }

  async rollback(): Promise<void> {
    await this.tx.rollback().then(
      () => this.tx.release(),
      () => this.tx.destroy(),
    );
  }
}

export async function schemaMissing(tx: PoolConnection, prefix: string, error: unknown): Promise<MySqlSchemaMissingError> {
  const [[row]] = await tx.query<RowDataPacket[]>('SELECT DATABASE() AS name').catch(() => [[{ name: '' }]] as never);
  return new MySqlSchemaMissingError(String(row?.name ?? ''), prefix, `table ${prefix}received_events is missing`, { cause: error });
}
