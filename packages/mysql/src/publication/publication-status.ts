import { Pool, RowDataPacket } from 'mysql2/promise';
import { lockNameFor } from './leader-lock';

/** The publisher that holds the lock, as MySQL sees it. */
export interface PublisherLeader {
  /** The MySQL connection id holding the publisher lock. */
  readonly connectionId: number;
  /** host:port of the client, when the server lets this user see the connection (PROCESS privilege or same user). */
  readonly client?: string;
}

/** What the events table says about the publication, read by an operator. */
export interface PublicationStatus {
  /** null when no publisher holds the lock (none running, or between leaders). */
  readonly leader: PublisherLeader | null;
  /** Events stored but not given a position yet. */
  readonly unsequenced: number;
  /** Events not yet marked published (acknowledged by the sink), with or without a position. */
  readonly unpublished: number;
  /** Stored time of the oldest event not yet published. */
  readonly oldestUnpublishedAt?: Date;
  /** The highest position given. */
  readonly lastPosition: number;
  /** The highest position below which every event is marked published. */
  readonly publishedPosition: number;
}

/**
 * Reads the publication's state from the events table and the publisher's
 * lock: who leads, the backlog, how far it is published. Uses the
 * (published, id) index and the position index; cheap on a large table.
 */
export async function readPublicationStatus(pool: Pool, tables: { readonly prefix: string; readonly events: string }): Promise<PublicationStatus> {
  const leader = await publisherLeader(pool, tables.prefix);
  const [[backlog]] = await pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS unpublished, SUM(position IS NULL) AS unsequenced, MIN(created_at) AS oldest FROM ${tables.events} WHERE published = 0`,
  );
  const [[last]] = await pool.query<RowDataPacket[]>(`SELECT COALESCE(MAX(position), 0) AS last FROM ${tables.events}`);
  // Positions are published in order: the first unpublished position is one past the published ones.
  const [[firstUnpublished]] = await pool.query<RowDataPacket[]>(
    `SELECT MIN(position) AS position FROM ${tables.events} WHERE published = 0 AND position IS NOT NULL`,
  );
  const lastPosition = Number(last.last);
  return {
    leader,
    unsequenced: Number(backlog.unsequenced ?? 0),
    unpublished: Number(backlog.unpublished),
    oldestUnpublishedAt: backlog.oldest ?? undefined,
    lastPosition,
    publishedPosition: firstUnpublished.position === null ? lastPosition : Number(firstUnpublished.position) - 1,
  };
}

/** Events not yet marked published, with or without a position: the publisher's backlog (one count on the (published, id) index). */
export async function unpublishedCount(pool: Pool, events: string): Promise<number> {
  const [[row]] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS unpublished FROM ${events} WHERE published = 0`);
  return Number(row.unpublished);
}

async function publisherLeader(pool: Pool, tablePrefix: string): Promise<PublisherLeader | null> {
  const name = await lockNameFor(pool, tablePrefix);
  const [[lock]] = await pool.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS id', [name]);
  if (lock.id === null) return null;
  const connectionId = Number(lock.id);
  const [processes] = await pool.query<RowDataPacket[]>('SELECT HOST AS host FROM information_schema.PROCESSLIST WHERE ID = ?', [connectionId]);
  return { connectionId, client: processes[0]?.host ?? undefined };
}
