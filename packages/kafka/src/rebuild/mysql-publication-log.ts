import { RowDataPacket } from 'mysql2/promise';
import { PublicationLog, StoredEvent } from '@eventloom/core';
import { checkTablePrefix } from '../config';
import { MySqlHandle, MySqlSource, openMySql, tableNames } from '../mysql/connection';
import { EventRow, eventColumns, toStoredEvent } from '../mysql/event-rows';
import { waitUntilPublished } from '../mysql/wait-published';

export type MySqlPublicationLogOptions = MySqlSource & { readonly tablePrefix?: string; readonly pollIntervalMs?: number };

/** The events table read in publication order (by position). */
export class MySqlPublicationLog implements PublicationLog {
  private readonly mysql: MySqlHandle;
  private readonly events: string;

  constructor(private readonly options: MySqlPublicationLogOptions) {
    this.mysql = openMySql(options, 2);
    this.events = tableNames(checkTablePrefix(options.tablePrefix)).events;
  }

  async readPublished(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(
      `SELECT ${eventColumns} FROM ${this.events} WHERE position > ? ORDER BY position LIMIT ?`,
      [afterPosition, limit],
    );
    return (rows as EventRow[]).map(toStoredEvent);
  }

  async lastPosition(): Promise<number> {
    const [rows] = await this.mysql.pool.query<RowDataPacket[]>(`SELECT COALESCE(MAX(position), 0) AS last FROM ${this.events}`);
    return Number(rows[0].last);
  }

  /** Resolves once every event stored before the call is published. */
  published(): Promise<void> {
    return waitUntilPublished(this.mysql.pool, this.events, this.options.pollIntervalMs ?? 25);
  }

  close(): Promise<void> {
    return this.mysql.close();
  }
}
