import { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { BatchParticipant } from '@eventloom/core';
import { errorCode } from '../connection';
import { MySqlSchemaMissingError } from '../errors';
import { TableNames } from '../schema/table-names';
import { RecordedEvents } from './recorded-events';

/** Dedup records written per INSERT statement at commit. */
const RECORDS_PER_STATEMENT = 1000;
/** Queued statements sent in one round trip, at most (and at most this many characters). */
const STATEMENTS_PER_TRIP = 1000;
const CHARACTERS_PER_TRIP = 1 << 20;

/**
 * A MySQL view's share of a batch (a run of events handled as one unit of
 * work): one transaction on one connection for the whole run. Its dedup
 * records are looked up once, for every event of the run, when it opens (see
 * RecordedEvents), and written with one multi-row INSERT just before COMMIT,
 * so that the view's changes, the records and nothing else commit together: a
 * crash anywhere before COMMIT leaves no trace, and the redelivered run
 * applies it once.
 *
 * Changes queued with `queue` (views.write: statements whose answer nobody
 * reads) are sent together: on MariaDB as one compound statement
 * (`BEGIN NOT ATOMIC ...; END`), so a run of 500 such changes costs one round
 * trip instead of 500; on MySQL, which has no compound statements outside
 * stored programs, one after the other. They are sent before any handler
 * given the connection runs, and before COMMIT, so every change keeps its
 * place in the run.
 *
 * The transaction starts with the first change sent, not when the run opens:
 * on MariaDB a run of queued changes only is then one round trip,
 * `BEGIN NOT ATOMIC START TRANSACTION; <changes>; <records>; COMMIT; END`
 * (a statement that fails stops the compound before COMMIT, and the run is
 * rolled back). The look-up of the records before it reads outside the
 * transaction; it only spares the duplicates their work: the records' INSERT
 * is what refuses a duplicate, as below.
 *
 * Two deliveries of the same event at once (say, a Kafka rebalance) may both
 * find no record; the second INSERT of the records then waits on the first's
 * row lock and fails as a duplicate, which rolls the whole run back, and
 * the delivery handles its events one by one (each finds its record).
 */
export class MySqlViewBatch implements BatchParticipant {
  private readonly handled = new Set<string>();
  /** Formatted statements not sent yet, in order. */
  private queued: string[] = [];
  /** Whether START TRANSACTION was sent. */
  private started = false;

  private constructor(
    private readonly tx: PoolConnection,
    private readonly tables: TableNames,
    private readonly subscriberId: string,
    private readonly duplicates: ReadonlySet<string>,
    private readonly compound: boolean,
  ) {}

  /** `compound`: whether the server runs `BEGIN NOT ATOMIC ... END` (MariaDB); asked once per view store. */
  static async open(
    pool: Pool,
    tables: TableNames,
    subscriberId: string,
    eventIds: readonly string[],
    compound: (tx: PoolConnection) => Promise<boolean>,
    recorded: RecordedEvents,
  ): Promise<MySqlViewBatch> {
    const tx = await pool.getConnection();
    try {
      const canCompound = await compound(tx);
      return new MySqlViewBatch(tx, tables, subscriberId, await recorded.among(tx, subscriberId, eventIds), canCompound);
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

  /** Runs one event's change in the run's transaction, after the changes queued before it; its record is written at commit. */
  async apply(eventId: string, handler: (tx: PoolConnection) => Promise<void>): Promise<void> {
    await this.flush();
    await handler(this.tx);
    this.handled.add(eventId);
  }

  /** Queues one event's change (values bound by mysql2's escaping, as in `query`); sent with the others. */
  queue(eventId: string, sql: string, values: unknown[]): void {
    this.queued.push(this.tx.format(sql, values));
    this.handled.add(eventId);
  }

  async commit(): Promise<void> {
    try {
      const handled = [...this.handled];
      for (let i = 0; i < handled.length; i += RECORDS_PER_STATEMENT) {
        const ids = handled.slice(i, i + RECORDS_PER_STATEMENT);
        this.queued.push(this.tx.format(`INSERT INTO ${this.tables.receivedEvents} (subscriber_id, event_id) VALUES ?`, [ids.map((id) => [this.subscriberId, id])]));
      }
      await this.flush(true);
    } catch (error) {
      await this.rollback();
      throw error;
    }
    this.tx.release();
  }

  /**
   * Sends the queued statements in the run's transaction, starting it if need
   * be (and, with `andCommit`, committing it): as few compound statements as
   * the limits allow, or one by one.
   */
  private async flush(andCommit = false): Promise<void> {
    const statements = this.queued;
    this.queued = [];
    const begin = !this.started && (statements.length > 0 || !andCommit);
    this.started ||= begin;
    if (!this.compound) {
      if (begin) await this.tx.query('START TRANSACTION');
      for (const statement of statements) await this.tx.query(statement);
      if (andCommit && this.started) await this.tx.commit();
      return;
    }
    if (begin) statements.unshift('START TRANSACTION');
    if (andCommit && this.started) statements.push('COMMIT');
    for (let start = 0; start < statements.length; ) {
      let end = start;
      let characters = 0;
      while (end < statements.length && end - start < STATEMENTS_PER_TRIP && (end === start || characters + statements[end].length < CHARACTERS_PER_TRIP)) {
        characters += statements[end++].length;
      }
      await this.tx.query(end - start === 1 ? statements[start] : `BEGIN NOT ATOMIC ${statements.slice(start, end).join(';\n')}; END`);
      start = end;
    }
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

/** Whether the server runs anonymous compound statements (MariaDB's `BEGIN NOT ATOMIC`); MySQL does not. */
export async function supportsCompoundStatements(tx: PoolConnection): Promise<boolean> {
  const [rows] = await tx.query<RowDataPacket[]>('SELECT VERSION() AS version');
  return /mariadb/i.test(String(rows[0]?.version ?? ''));
}
