import { Pool, RowDataPacket } from 'mysql2/promise';
import { sleep } from '@eventloom/core/spi';

/**
 * Resolves once every event stored before the call is marked published, by
 * whichever publisher leads. Uses the (published, id) index: cheap to poll.
 */
export async function waitUntilPublished(pool: Pool, eventsTable: string, pollIntervalMs: number): Promise<void> {
  const [rows] = await pool.query<RowDataPacket[]>(`SELECT COALESCE(MAX(id), 0) AS id FROM ${eventsTable}`);
  const upTo = Number(rows[0].id);
  for (;;) {
    const [pending] = await pool.query<RowDataPacket[]>(`SELECT 1 FROM ${eventsTable} WHERE published = 0 AND id <= ? LIMIT 1`, [upTo]);
    if (pending.length === 0) return;
    await sleep(pollIntervalMs);
  }
}
