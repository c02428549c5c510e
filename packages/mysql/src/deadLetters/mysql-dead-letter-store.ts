import { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { ParkedEvent } from '@eventloom/core';
import { aggregateKey, AggregateParking, ParkedEntry, StoredEvent } from '@eventloom/core/spi';
import { MySqlHandle, MySqlSource, openMySql } from '../connection';
import { SchemaGuard } from '../schema/schema-guard';
import { tableNames } from '../schema/table-names';

export type MySqlDeadLetterOptions = MySqlSource & { readonly tablePrefix?: string };

/** The schema version whose migration creates `parked_events`. */
const PARKED_EVENTS_SINCE = 3;

const PARKED_COLUMNS = 'subscriber_id, event_json, error, attempts, parked_at, park_count';

/**
 * Parked events in MySQL (table `<prefix>parked_events`, created by
 * `eventloom migrate` as schema version 3), so they survive restarts. One
 * row per subscriber and event: parking the same event again (a retry that
 * failed) updates the row and counts it in `park_count`. Retry them with the
 * core's retryParked / retryAllParked.
 */
export class MySqlDeadLetterStore implements AggregateParking {
  private readonly mysql: MySqlHandle;
  private readonly table: string;
  private readonly schema: SchemaGuard;
  private readonly listeners = new Set<(entry: ParkedEvent) => void>();

  constructor(options: MySqlDeadLetterOptions) {
    const tables = tableNames(options.tablePrefix ?? '');
    this.mysql = openMySql(options, 2);
    this.table = tables.parkedEvents;
    this.schema = new SchemaGuard(this.mysql.pool, tables, PARKED_EVENTS_SINCE, 'MySqlDeadLetterStore');
  }

  /** The dead letters of a MySqlEventStore's database, on its pool and table prefix. */
  static of(store: { readonly pool: Pool; readonly tables: { readonly prefix: string } }): MySqlDeadLetterStore {
    return new MySqlDeadLetterStore({ pool: store.pool, tablePrefix: store.tables.prefix });
  }

  get pool(): Pool {
    return this.mysql.pool;
  }

  /** Checks that the schema has the table (else MySqlSchemaMissingError: run `eventloom migrate`). Call at start-up to fail early. */
  async ready(): Promise<this> {
    await this.schema.ensure();
    return this;
  }

  async park(entry: ParkedEvent): Promise<void> {
    await this.schema.ensure();
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
    await this.schema.ensure();
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT DISTINCT aggregate_type, aggregate_id FROM ${this.table} WHERE subscriber_id = ?`,
      [subscriberId],
    );
    return new Set(rows.map((r) => aggregateKey(r.aggregate_type as string, r.aggregate_id as string)));
  }

  async hasParked(subscriberId: string, aggregateType: string, aggregateId: string): Promise<boolean> {
    await this.schema.ensure();
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT 1 FROM ${this.table} WHERE subscriber_id = ? AND aggregate_type = ? AND aggregate_id = ? LIMIT 1`,
      [subscriberId, aggregateType, aggregateId],
    );
    return rows.length > 0;
  }

  async list(subscriberId?: string): Promise<ParkedEvent[]> {
    await this.schema.ensure();
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${PARKED_COLUMNS} FROM ${this.table}` + (subscriberId === undefined ? '' : ' WHERE subscriber_id = ?') + ' ORDER BY id',
      subscriberId === undefined ? [] : [subscriberId],
    );
    return rows.map(toParked);
  }

  /** How many events each subscriber has parked (subscribers with none are absent). */
  async countsBySubscriber(): Promise<Map<string, number>> {
    await this.schema.ensure();
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT subscriber_id, COUNT(*) AS n FROM ${this.table} GROUP BY subscriber_id ORDER BY subscriber_id`);
    return new Map(rows.map((r) => [r.subscriber_id as string, Number(r.n)]));
  }

  async find(subscriberId: string, eventId: string): Promise<ParkedEntry | undefined> {
    await this.schema.ensure();
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${PARKED_COLUMNS} FROM ${this.table} WHERE subscriber_id = ? AND event_id = ?`, [
      subscriberId,
      eventId,
    ]);
    return rows.length === 0 ? undefined : { parked: toParked(rows[0]), timesParked: Number(rows[0].park_count) };
  }

  async take(subscriberId: string, eventId: string): Promise<ParkedEvent | undefined> {
    await this.schema.ensure();
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const [rows] = await connection.query<RowDataPacket[]>(
        `SELECT ${PARKED_COLUMNS} FROM ${this.table} WHERE subscriber_id = ? AND event_id = ? FOR UPDATE`,
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

  async release(subscriberId: string, eventId: string, timesParked: number): Promise<boolean> {
    await this.schema.ensure();
    const [deleted] = await this.pool.query<ResultSetHeader>(`DELETE FROM ${this.table} WHERE subscriber_id = ? AND event_id = ? AND park_count = ?`, [
      subscriberId,
      eventId,
      timesParked,
    ]);
    return deleted.affectedRows === 1;
  }

  /** Closes the pool if this store opened it from a URL (a pool given to it stays open). */
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
