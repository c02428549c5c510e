import { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { SequencedEvent } from '@eventloom/core/spi';
import { EventRow, MySqlStoredEvent, PUBLICATION_COLUMNS as eventColumns, safeInteger, sequencedEventFromRow } from '../event-rows';
import { TableNames } from '../schema/table-names';
import { readyBatch, SequencedBatch } from './sequenced-batch';
import { LeadershipLostError, MySqlConfigError, SequencerConflictError } from '../errors';
import { POSITION_SLOT_SINCE, schemaVersion } from '../schema/migrations';
import { publishedPositionOf, publishedPositionQuery } from './published-position';

/**
 * A sequenced event as the MySQL publisher hands it to its sink: with its row
 * id and its metadata as stored (JSON text, so a sink that sends it on need not parse and re-serialise it).
 */
export type MySqlSequencedEvent = MySqlStoredEvent & SequencedEvent;

/** What a step reads with after its commit: the lock connection or a pool. */
type Queryable = Pick<Connection, 'query'>;

/** Where the publication stands, as read when a publisher becomes leader. */
export interface SequenceState {
  /** Highest position given so far (0 if none). */
  readonly lastPosition: number;
  /** Every position up to this one is marked published. */
  readonly publishedPosition: number;
}

export interface StepRequest {
  /** The last position this leader knows of; anything else means another sequencer wrote. */
  readonly expectedLast: number;
  /** Read already sequenced events in (resendAfter, resendUpTo] instead of sequencing new ones. */
  readonly resend?: { readonly after: number; readonly upTo: number };
  /** Events to read at most (0: none). */
  readonly batchSize: number;
}

/**
 * The single sequencer: gives stored events their global, gap-free position.
 *
 * Auto-increment ids are handed out at insert but become visible at commit,
 * so ids commit out of order: id 11 may be visible while id 10 is not yet.
 * Positions therefore never come from ids. Under the leader lock, one
 * transaction reads the oldest committed events without a position (a
 * consistent, non-locking READ COMMITTED read: uncommitted inserts are simply
 * not seen yet, and never block us) and gives them max(position)+1, +2, ...
 * in id order, in place (into the fixed-size `position_slot` that `position`
 * is derived from, so the row keeps its size). An event committed later gets
 * a higher position, even if its id is lower. Events of one aggregate commit one after the other (the
 * optimistic version check sees to that), so they get positions in version
 * order. Each batch commits atomically: a reader sees all of it or none.
 */
export class Sequencer {
  constructor(private readonly tables: TableNames) {}

  /** Once per leader connection. */
  async prepare(connection: Connection): Promise<SequenceState> {
    const version = await schemaVersion(connection, this.tables);
    if (version < POSITION_SLOT_SINCE) {
      throw new MySqlConfigError(
        `The publisher gives positions in ${this.tables.events}.position_slot (schema version ${POSITION_SLOT_SINCE}), but the schema is at version ${version}: ` +
          'stop the publishers of the older release, run the migrations (eventloom migrate), then start this one.',
      );
    }
    await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT COALESCE(MAX(position), 0) AS last, (${publishedPositionQuery(this.tables)}) AS published FROM ${this.tables.events}`,
    );
    const lastPosition = Number(rows[0].last);
    return { lastPosition, publishedPosition: Math.min(lastPosition, publishedPositionOf(rows[0].published, this.tables)) };
  }

  /**
   * One transaction on the lock connection: checks the lock is still ours,
   * then either reads a batch of already sequenced events to resend or
   * sequences a batch of new ones. New events' positions are given by id
   * alone; their rows are read after the commit, on `reader` (a pool), so
   * that the next step runs while they come: `events` may still be on its way.
   * Returns the batch in position order (count 0 when there is nothing to do).
   */
  async step(connection: Connection, lockName: string, request: StepRequest, reader: Queryable = connection): Promise<SequencedBatch<MySqlSequencedEvent>> {
    await connection.beginTransaction();
    let batch: SequencedBatch<MySqlSequencedEvent> | { readonly ids: number[]; readonly last: number };
    try {
      const [check] = await connection.query<RowDataPacket[]>(
        `SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine, COALESCE(MAX(position), 0) AS last FROM ${this.tables.events}`,
        [lockName],
      );
      if (Number(check[0].mine) !== 1) throw new LeadershipLostError(`The publisher lock '${lockName}' is no longer held by this instance.`);
      const last = Number(check[0].last);
      if (last !== request.expectedLast) {
        throw new SequencerConflictError(
          `The highest position is ${last}, but this publisher gave ${request.expectedLast} last: another sequencer is writing positions. ` +
            'Run publishers only with the same table prefix and database, so that they share one lock.',
        );
      }
      batch =
        request.batchSize === 0
          ? readyBatch([])
          : request.resend
        ? readyBatch(await this.readSequenced(connection, request.resend.after, request.resend.upTo, request.batchSize))
        : { ids: await this.sequenceNew(connection, last, request.batchSize), last };
      await connection.commit();
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    }
    if (!('ids' in batch)) return batch;
    const { ids, last } = batch;
    const events = ids.length === 0 ? Promise.resolve([]) : this.readNewlySequenced(reader, ids, last);
    events.catch(() => undefined); // handled where it is awaited (the send); not an unhandled rejection meanwhile
    return { count: ids.length, lastPosition: last + ids.length, events };
  }

  /**
   * One cheap statement for an idle leader: checks the lock is still ours and
   * tells whether any committed event awaits a position. Spares the
   * sequencing transaction (five round trips) on every idle poll.
   */
  async pending(connection: Connection, lockName: string): Promise<boolean> {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine,
              EXISTS(SELECT 1 FROM ${this.tables.events} WHERE position IS NULL) AS pending`,
      [lockName],
    );
    if (Number(rows[0].mine) !== 1) throw new LeadershipLostError(`The publisher lock '${lockName}' is no longer held by this instance.`);
    return Number(rows[0].pending) === 1;
  }

  /**
   * Marks acknowledged events published: every position up to `upTo` (the
   * sink accepted them all, in order). One row, whatever the batch size: the
   * publication's high-water mark, which never moves back. Safe on any
   * connection: it records only what the sink accepted, so even a stale
   * leader's late mark is true.
   */
  async markPublished(connection: Pick<Connection, 'query'>, upTo: number): Promise<void> {
    await connection.query(`UPDATE ${this.tables.publication} SET published_position = GREATEST(published_position, ?) WHERE id = 1`, [upTo]);
  }

  private async readSequenced(connection: Connection, after: number, upTo: number, limit: number): Promise<MySqlSequencedEvent[]> {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT ${eventColumns} FROM ${this.tables.events} WHERE position > ? AND position <= ? ORDER BY position LIMIT ?`,
      [after, upTo, limit],
    );
    const events = (rows as EventRow[]).map(sequencedEventFromRow);
    events.forEach((e, i) => {
      if (e.position !== after + i + 1) {
        throw new SequencerConflictError(`Position ${after + i + 1} is missing from ${this.tables.events}: positions must have no gaps.`);
      }
    });
    return events;
  }

  /** Gives the oldest committed events without a position the next positions, in id order; returns their ids, sorted. */
  private async sequenceNew(connection: Connection, last: number, limit: number): Promise<number[]> {
    // The position index holds the rows without a position first, in id order (InnoDB orders a secondary
    // index's equal keys, NULLs included, by primary key), so walking it yields the oldest first and stops at the
    // limit. ORDER BY id is left out because MariaDB then sorts every row without a position (60-110 ms per step
    // at a 50,000-event backlog, against 4-10 ms); the ids are checked to come in order, else sorted by MySQL.
    // Ids only: the rows are read after the commit.
    let [rows] = await connection.query<RowDataPacket[]>(
      `SELECT id FROM ${this.tables.events} FORCE INDEX (uq_events_position) WHERE position IS NULL LIMIT ?`,
      [limit],
    );
    if (!ascendingIds(rows)) {
      [rows] = await connection.query<RowDataPacket[]>(`SELECT id FROM ${this.tables.events} WHERE position IS NULL ORDER BY id LIMIT ?`, [limit]);
    }
    if (rows.length === 0) return [];
    const ids = rows.map((r) => safeInteger('id', r.id as number | string, `row ${String(r.id)}`));
    // Consecutive ids form runs; a run gets consecutive positions: position = id + offset.
    let given = 0;
    const runs = idRuns(ids).map(([from, to]) => {
      const run = { from, to, offset: last + given + 1 - from };
      given += to - from + 1;
      return run;
    });
    let updated = 0;
    for (let i = 0; i < runs.length; i += 200) {
      const chunk = runs.slice(i, i + 200);
      const cases = chunk.map(() => 'WHEN id BETWEEN ? AND ? THEN id + ?').join(' ');
      const where = chunk.map(() => 'id BETWEEN ? AND ?').join(' OR ');
      const [result] = await connection.query<ResultSetHeader>(
        `UPDATE ${this.tables.events} SET position_slot = CASE ${cases} END WHERE (${where}) AND position_slot = 0`,
        [...chunk.flatMap((r) => [r.from, r.to, r.offset]), ...chunk.flatMap((r) => [r.from, r.to])],
      );
      updated += result.affectedRows;
    }
    if (updated !== ids.length) {
      throw new SequencerConflictError(`Sequencing ${ids.length} events updated ${updated} rows: another sequencer is writing positions.`);
    }
    return ids;
  }

  /**
   * The rows just given positions last+1.. (in id order), read by primary-key
   * ranges once committed. Events are never updated but for their position (and,
   * before schema version 7, a published flag), so the rows read are the rows sequenced; each must carry
   * the position given.
   */
  private async readNewlySequenced(reader: Queryable, ids: readonly number[], last: number): Promise<MySqlSequencedEvent[]> {
    const runs = idRuns(ids);
    const events: MySqlSequencedEvent[] = [];
    for (let i = 0; i < runs.length; i += 200) {
      const chunk = runs.slice(i, i + 200);
      const [rows] = await reader.query<RowDataPacket[]>(
        `SELECT ${eventColumns} FROM ${this.tables.events} WHERE ${chunk.map(() => 'id BETWEEN ? AND ?').join(' OR ')} ORDER BY id`,
        chunk.flat(),
      );
      for (const row of rows as EventRow[]) events.push(sequencedEventFromRow(row));
    }
    events.forEach((e, i) => {
      if (e.position !== last + i + 1) {
        throw new SequencerConflictError(`Position ${last + i + 1} was given to row ${ids[i]}, but the rows read back hold ${e.position}: another sequencer is writing positions.`);
      }
    });
    if (events.length !== ids.length) throw new SequencerConflictError(`Sequenced ${ids.length} events but read back ${events.length}.`);
    return events;
  }
}

/** Whether the rows' ids rise strictly: then a walk that stopped at a limit read the lowest ids. */
function ascendingIds(rows: readonly RowDataPacket[]): boolean {
  for (let i = 1; i < rows.length; i++) if (Number(rows[i].id) <= Number(rows[i - 1].id)) return false;
  return true;
}

/** Sorted ids as [from, to] runs of consecutive values. */
export function idRuns(ids: readonly number[]): Array<[number, number]> {
  const sorted = [...ids].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const id of sorted) {
    const run = runs[runs.length - 1];
    if (run && id === run[1] + 1) run[1] = id;
    else if (!run || id !== run[1]) runs.push([id, id]);
  }
  return runs;
}
