import { Pool, RowDataPacket } from 'mysql2/promise';
import { sleep } from '@eventloom/core/spi';
import { TableNames } from '../schema/table-names';
import { publishedPositionOf, publishedPositionQuery } from './published-position';

/**
 * Resolves once every event stored before the call is published, by
 * whichever publisher leads: none of them still awaits a position, and none
 * has a position past the published position. Both look-ups walk the
 * position index over the unpublished rows only: cheap to poll.
 */
export async function waitUntilPublished(pool: Pool, tables: Pick<TableNames, 'events' | 'publication'>, pollIntervalMs: number): Promise<void> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT COALESCE(MAX(id), 0) AS id FROM ${tables.events}`);
  const upTo = Number(rows[0].id);
  for (;;) {
    const [[mark]] = await pool.query<RowDataPacket[]>(`${publishedPositionQuery(tables)}`);
    const published = publishedPositionOf(mark?.published_position, tables);
    // Two look-ups, each on the position index: with OR, MariaDB walks the primary key over every row up to upTo.
    const [[pending]] = await pool.query<RowDataPacket[]>(
      `SELECT EXISTS(SELECT 1 FROM ${tables.events} FORCE INDEX (uq_events_position) WHERE position IS NULL AND id <= ?)
           OR EXISTS(SELECT 1 FROM ${tables.events} FORCE INDEX (uq_events_position) WHERE position > ? AND id <= ?) AS pending`,
      [upTo, published, upTo],
    );
    if (Number(pending.pending) === 0) return;
    await sleep(pollIntervalMs);
  }
}
