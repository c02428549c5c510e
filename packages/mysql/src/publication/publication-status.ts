import { Pool, RowDataPacket } from 'mysql2/promise';
import { TableNames } from '../schema/table-names';
import { lockNameFor } from './leader-lock';
import { publishedPositionOf, publishedPositionQuery } from './published-position';

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
 * Reads the publication's state from the events table, the published
 * position and the publisher's lock: who leads, the backlog, how far it is
 * published. Positions are gap-free and published in order, so the events
 * sequenced but not published are the positions past the published one; the
 * rest of the backlog awaits a position. Uses the position index; cheap on a
 * large table.
 */
export async function readPublicationStatus(pool: Pool, tables: Pick<TableNames, 'prefix' | 'events' | 'publication'>): Promise<PublicationStatus> {
  const leader = await publisherLeader(pool, tables.prefix);
  const [[mark]] = await pool.query<RowDataPacket[]>(publishedPositionQuery(tables));
  const [[last]] = await pool.query<RowDataPacket[]>(`SELECT COALESCE(MAX(position), 0) AS last FROM ${tables.events}`);
  const lastPosition = Number(last.last);
  const publishedPosition = Math.min(lastPosition, publishedPositionOf(mark?.published_position, tables));
  const [[backlog]] = await pool.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS unsequenced, MIN(created_at) AS oldestUnsequenced,
            (SELECT MIN(created_at) FROM ${tables.events} FORCE INDEX (uq_events_position) WHERE position > ?) AS oldestSequenced
       FROM ${tables.events} FORCE INDEX (uq_events_position) WHERE position IS NULL`,
    [publishedPosition],
  );
  const unsequenced = Number(backlog.unsequenced);
  const oldest = [backlog.oldestUnsequenced, backlog.oldestSequenced].filter((d) => d !== null && d !== undefined);
  return {
    leader,
    unsequenced,
    unpublished: unsequenced + lastPosition - publishedPosition,
    oldestUnpublishedAt: oldest.length === 0 ? undefined : oldest.reduce((a, b) => (new Date(a).getTime() <= new Date(b).getTime() ? a : b)),
    lastPosition,
    publishedPosition,
  };
}

/** Events not yet published, with or without a position: the publisher's backlog (on the position index). */
export async function unpublishedCount(pool: Pool, tables: Pick<TableNames, 'events' | 'publication'>): Promise<number> {
  const [[row]] = await pool.query<RowDataPacket[]>(
    `SELECT (SELECT COUNT(*) FROM ${tables.events} FORCE INDEX (uq_events_position) WHERE position IS NULL) AS unsequenced,
            (SELECT COALESCE(MAX(position), 0) FROM ${tables.events}) AS last,
            (${publishedPositionQuery(tables)}) AS published`,
  );
  const last = Number(row.last);
  return Number(row.unsequenced) + last - Math.min(last, publishedPositionOf(row.published, tables));
}

async function publisherLeader(pool: Pool, tablePrefix: string): Promise<PublisherLeader | null> {
  const name = await lockNameFor(pool, tablePrefix);
  const [[lock]] = await pool.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS id', [name]);
  if (lock.id === null) return null;
  const connectionId = Number(lock.id);
  const [processes] = await pool.query<RowDataPacket[]>('SELECT HOST AS host FROM information_schema.PROCESSLIST WHERE ID = ?', [connectionId]);
  return { connectionId, client: processes[0]?.host ?? undefined };
}
