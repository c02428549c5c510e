import { Pool, RowDataPacket } from 'mysql2/promise';
import { PublicationLog, SequencedEvent } from '@eventloom/core/spi';
import { MySqlHandle, MySqlSource, openMySql } from '../connection';
import { EventRow, PUBLICATION_COLUMNS, sequencedEventFromRow } from '../event-rows';
import { tableNames } from '../schema/table-names';
import { waitUntilPublished } from './wait-published';

export type MySqlPublicationLogOptions = MySqlSource & { readonly tablePrefix?: string; readonly pollIntervalMs?: number };

/**
 * The events table read in publication order (by position): the core's
 * PublicationLog, for PublicationLogTransport (in-process delivery) and
 * rebuilds. Positions are given by a running publisher (startPublisher).
 */
export class MySqlPublicationLog implements PublicationLog {
  private readonly mysql: MySqlHandle;
  private readonly events: string;

  constructor(private readonly options: MySqlPublicationLogOptions) {
    this.events = tableNames(options.tablePrefix).events;
    this.mysql = openMySql(options, 2);
  }

  /** The publication of a MySqlEventStore, on its pool and table prefix. */
  static of(store: { readonly pool: Pool; readonly tables: { readonly prefix: string } }, options: { readonly pollIntervalMs?: number } = {}): MySqlPublicationLog {
    return new MySqlPublicationLog({ pool: store.pool, tablePrefix: store.tables.prefix, ...options });
  }

  async readPublished(afterPosition: number, limit: number): Promise<SequencedEvent[]> {
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(
      `SELECT ${PUBLICATION_COLUMNS} FROM ${this.events} WHERE position > ? ORDER BY position LIMIT ?`,
      [afterPosition, limit],
    );
    return (rows as EventRow[]).map(sequencedEventFromRow);
  }

  async lastPosition(): Promise<number> {
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(`SELECT COALESCE(MAX(position), 0) AS last FROM ${this.events}`);
    return Number(rows[0].last);
  }

  /** When the event at `position` was stored; undefined when no event has that position (yet). */
  async storedAt(position: number): Promise<Date | undefined> {
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(`SELECT created_at FROM ${this.events} WHERE position = ?`, [position]);
    return rows.length === 0 ? undefined : (rows[0].created_at as Date);
  }

  /**
   * The first position of an event stored at or after `time` (undefined when
   * none), e.g. where a replay "from 09:00" starts. Scans the table (no index
   * on the time): an operator's query, not a hot path.
   */
  async firstPositionStoredSince(time: Date): Promise<number | undefined> {
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(
      `SELECT MIN(position) AS position FROM ${this.events} WHERE created_at >= ? AND position IS NOT NULL`,
      [time],
    );
    return rows[0].position === null ? undefined : Number(rows[0].position);
  }

  /** Resolves once every event stored before the call is published. */
  published(): Promise<void> {
    return waitUntilPublished(this.mysql.pool, tableNames(this.options.tablePrefix), this.options.pollIntervalMs ?? 25);
  }

  close(): Promise<void> {
    return this.mysql.close();
  }
}
