import { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { aggregateKey, ParkedEvent, StoredEvent } from '@eventloom/core';
import { AggregateParking } from './aggregate-parking';
import { kafkaTableNames } from '../config';
import { UndecodableMessageError } from '../errors';
import { MySqlHandle, MySqlSource, openMySql } from '@eventloom/mysql';
import { isUndecodable } from '../wire/published-event-codec';

export type MySqlDeadLetterOptions = MySqlSource & { readonly tablePrefix?: string };

/**
 * What retry() did with a parked event; retryAll() also reports 'skipped'
 * for events after one of the same aggregate that was parked again.
 */
export type RetryOutcome = 'handled' | 'parked-again' | 'not-parked' | 'skipped';

/**
 * Parked events kept in MySQL (table `<prefix>parked_events`, created by
 * init()), so they survive restarts. One row per subscriber and event:
 * parking the same event again (a retry that failed) updates the row.
 */
export class MySqlDeadLetterStore implements AggregateParking {
  private readonly mysql: MySqlHandle;
  private readonly table: string;
  private readonly listeners = new Set<(entry: ParkedEvent) => void>();

  constructor(options: MySqlDeadLetterOptions) {
    this.mysql = openMySql(options, 2);
    this.table = kafkaTableNames(options.tablePrefix).parkedEvents;
  }

  get pool(): Pool {
    return this.mysql.pool;
  }

  /** Creates the table if it is missing (idempotent). */
  async init(): Promise<this> {
    await this.pool.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      subscriber_id VARCHAR(255) NOT NULL,
      event_id VARCHAR(255) NOT NULL,
      event_type VARCHAR(255) NOT NULL,
      aggregate_type VARCHAR(255) NOT NULL,
      aggregate_id VARCHAR(255) NOT NULL,
      version INT NOT NULL,
      position BIGINT NULL,
      event_json LONGTEXT NOT NULL,
      error TEXT NOT NULL,
      attempts INT NOT NULL,
      park_count INT NOT NULL DEFAULT 1,
      parked_at DATETIME(6) NOT NULL,
      UNIQUE KEY parked_event (subscriber_id, event_id),
      KEY parked_aggregate (subscriber_id, aggregate_type, aggregate_id)
    ) ENGINE=InnoDB`);
    return this;
  }

  async park(entry: ParkedEvent): Promise<void> {
    const e = entry.event;
    await this.pool.query(
      `INSERT INTO ${this.table}
         (subscriber_id, event_id, event_type, aggregate_type, aggregate_id, version, position, event_json, error, attempts, parked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE error = VALUES(error), attempts = VALUES(attempts), parked_at = VALUES(parked_at),
         event_json = VALUES(event_json), park_count = park_count + 1`,
      [entry.subscriberId, e.eventId, e.eventType, e.aggregateType, e.aggregateId, e.version, e.position ?? null, JSON.stringify(e), entry.error, entry.attempts, entry.parkedAt],
    );
    for (const listener of this.listeners) listener(entry);
  }

  onPark(listener: (entry: ParkedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async parkedAggregates(subscriberId: string): Promise<Set<string>> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT DISTINCT aggregate_type, aggregate_id FROM ${this.table} WHERE subscriber_id = ?`,
      [subscriberId],
    );
    return new Set(rows.map((r) => aggregateKey(r.aggregate_type as string, r.aggregate_id as string)));
  }

  async hasParked(subscriberId: string, aggregateType: string, aggregateId: string): Promise<boolean> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT 1 FROM ${this.table} WHERE subscriber_id = ? AND aggregate_type = ? AND aggregate_id = ? LIMIT 1`,
      [subscriberId, aggregateType, aggregateId],
    );
    return rows.length > 0;
  }

  async list(subscriberId?: string): Promise<ParkedEvent[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT subscriber_id, event_json, error, attempts, parked_at FROM ${this.table}` +
        (subscriberId === undefined ? '' : ' WHERE subscriber_id = ?') +
        ' ORDER BY id',
      subscriberId === undefined ? [] : [subscriberId],
    );
    return rows.map(toParked);
  }

  async take(subscriberId: string, eventId: string): Promise<ParkedEvent | undefined> {
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const [rows] = await connection.query<RowDataPacket[]>(
        `SELECT subscriber_id, event_json, error, attempts, parked_at FROM ${this.table} WHERE subscriber_id = ? AND event_id = ? FOR UPDATE`,
        [subscriberId, eventId],
      );
      if (rows.length > 0) await connection.query(`DELETE FROM ${this.table} WHERE subscriber_id = ? AND event_id = ?`, [subscriberId, eventId]);
      await connection.commit();
      return rows.length > 0 ? toParked(rows[0]) : undefined;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  /** Drops a parked event for good (e.g. an undecodable message once its producer is fixed). */
  discard(subscriberId: string, eventId: string): Promise<ParkedEvent | undefined> {
    return this.take(subscriberId, eventId);
  }

  /**
   * Hands a parked event back to its subscriber's `handle` (the core's
   * delivery: retries, then parks again on failure). The row is removed only
   * once handle succeeded without parking it again, so a crash mid-retry
   * leaves it parked.
   */
  async retry(subscriberId: string, eventId: string, handle: (event: StoredEvent) => Promise<void>): Promise<RetryOutcome> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT event_json, park_count FROM ${this.table} WHERE subscriber_id = ? AND event_id = ?`,
      [subscriberId, eventId],
    );
    if (rows.length === 0) return 'not-parked';
    const event = toEvent(rows[0].event_json as string);
    if (isUndecodable(event)) {
      throw new UndecodableMessageError(
        `Parked message ${eventId} of subscriber '${subscriberId}' is not a published event, so no handler can take it. Fix its producer, then discard() it.`,
      );
    }
    await handle(event);
    const [deleted] = await this.pool.query<ResultSetHeader>(
      `DELETE FROM ${this.table} WHERE subscriber_id = ? AND event_id = ? AND park_count = ?`,
      [subscriberId, eventId, rows[0].park_count],
    );
    return deleted.affectedRows === 1 ? 'handled' : 'parked-again';
  }

  /**
   * Retries every parked event of a subscriber, oldest first (for one
   * aggregate: in version order). Once an event is parked again, the later
   * events of its aggregate are left parked ('skipped'), to keep their order.
   */
  async retryAll(subscriberId: string, handle: (event: StoredEvent) => Promise<void>): Promise<Map<string, RetryOutcome>> {
    const outcomes = new Map<string, RetryOutcome>();
    const stuck = new Set<string>();
    for (const parked of await this.list(subscriberId)) {
      if (isUndecodable(parked.event)) continue;
      const key = aggregateKey(parked.event.aggregateType, parked.event.aggregateId);
      if (stuck.has(key)) {
        outcomes.set(parked.event.eventId, 'skipped');
        continue;
      }
      const outcome = await this.retry(subscriberId, parked.event.eventId, handle);
      if (outcome === 'parked-again') stuck.add(key);
      outcomes.set(parked.event.eventId, outcome);
    }
    return outcomes;
  }

  close(): Promise<void> {
    return this.mysql.close();
  }
}

function toEvent(json: string): StoredEvent {
  const raw = JSON.parse(json) as StoredEvent & { timestamp: string };
  return { ...raw, timestamp: new Date(raw.timestamp) };
}

function toParked(row: RowDataPacket): ParkedEvent {
  return {
    subscriberId: row.subscriber_id as string,
    event: toEvent(row.event_json as string),
    error: row.error as string,
    attempts: Number(row.attempts),
    parkedAt: row.parked_at instanceof Date ? row.parked_at : new Date(String(row.parked_at)),
  };
}
