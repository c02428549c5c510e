import { PoolConnection, RowDataPacket } from 'mysql2/promise';

/**
 * Ids made only of printable ASCII other than space: for these, JavaScript's
 * string order is the byte order, and so the order of the utf8mb4_bin
 * column (PAD SPACE and code points beyond ASCII would make them differ).
 */
const PLAIN_ID = /^[\x21-\x7e]+$/;

/** Leading characters the ids of a stretch share: a UUIDv7's milliseconds (8 hex digits, dash, 4). */
const SHARED_PREFIX = 13;

/** Ranges a probe asks for at most. */
const MAX_RANGES = 32;

/** Records a probe reads at most: fewer, and they are all the records in the range. */
const PROBE_ROWS = 100;

/** After a probe that found too many records in its range, this many runs go straight to the full look-up before probing again. */
const RUNS_BEFORE_PROBING_AGAIN = 8;

/**
 * Which of a run's events a subscriber has recorded in received_events.
 *
 * The full look-up (`event_id IN (...)`, one index dive per id) costs MariaDB
 * about as much as a fifth of a run of simple view changes. Most runs have no
 * record at all: a rebuild into an emptied view, a catch-up after a clean
 * stop. Event ids grow with time (UUIDv7), and a run is in store order, so
 * a range probe first, "the records between the run's smallest and largest
 * id", answers most of them with one short index scan: the range holds none,
 * or a few (events of concurrent writers, whose ids interleave with the
 * run's). When it holds fewer than the probe reads, those are all of them,
 * and the run's recorded ids are among them; the answer is the same as the
 * full look-up's. Only a fuller range (or ids whose order MariaDB might see
 * differently) needs the full look-up.
 *
 * Runs whose ranges interleave with many other runs' records (the partitions
 * of a Kafka topic, handled side by side) fill the probe every time; after
 * that, the next runs of that subscriber skip it, so they pay no extra round
 * trip for it.
 */
export class RecordedEvents {
  /** Per subscriber: runs left before probing again. */
  private readonly skipProbe = new Map<string, number>();

  constructor(private readonly table: string) {}

  async among(tx: PoolConnection, subscriberId: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    if (this.shouldProbe(subscriberId)) {
      const ranges = idRanges(eventIds);
      if (ranges) {
        const between = ranges.map(() => 'event_id BETWEEN ? AND ?').join(' OR ');
        const [rows] = await tx.query<RowDataPacket[]>(`SELECT event_id FROM ${this.table} WHERE subscriber_id = ? AND (${between}) LIMIT ${PROBE_ROWS}`, [
          subscriberId,
          ...ranges.flat(),
        ]);
        if (rows.length < PROBE_ROWS) {
          const run = new Set(eventIds);
          return new Set(rows.map((row) => String(row.event_id)).filter((id) => run.has(id)));
        }
        this.skipProbe.set(subscriberId, RUNS_BEFORE_PROBING_AGAIN);
      }
    }
    const [rows] = await tx.query<RowDataPacket[]>(`SELECT event_id FROM ${this.table} WHERE subscriber_id = ? AND event_id IN (?)`, [subscriberId, eventIds]);
    return new Set(rows.map((row) => String(row.event_id)));
  }

  private shouldProbe(subscriberId: string): boolean {
    const left = this.skipProbe.get(subscriberId);
    if (left === undefined) return true;
    if (left <= 1) this.skipProbe.delete(subscriberId);
    else this.skipProbe.set(subscriberId, left - 1);
    return false;
  }
}

/**
 * The id ranges of the run's stretches of ids that ascend and share their
 * leading characters (a UUIDv7's milliseconds: the events of one append are
 * made together), so that the ids of other appends, made in between, mostly
 * fall outside them. Undefined when some id is not plain ASCII (its order in
 * MariaDB could differ) or there are too many stretches for a short probe.
 */
function idRanges(eventIds: readonly string[]): Array<[string, string]> | undefined {
  const ranges: Array<[string, string]> = [];
  let lowest = eventIds[0];
  let highest = eventIds[0];
  for (const id of eventIds) {
    if (!PLAIN_ID.test(id)) return undefined;
    if (id < highest || !id.startsWith(highest.slice(0, SHARED_PREFIX))) {
      ranges.push([lowest, highest]);
      if (ranges.length === MAX_RANGES) return undefined;
      lowest = id;
    }
    highest = id;
  }
  ranges.push([lowest, highest]);
  return ranges;
}
