import { randomUUID } from 'node:crypto';
import { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { AggregateRepository } from '@eventloom/core';
import { MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { log, sideBySide, withDatabase } from '../support/mysql';
import { Account, Deposit, OpenAccount } from '../support/model';
import { rawPool } from './mysql-create.bench';

/** The fold both hand-written variants do: the balance, and the version the update is decided on. */
function decide(rows: RowDataPacket[]): number {
  let balance = 0;
  for (const row of rows) {
    const data = JSON.parse(row.event_data as string) as { amount?: number };
    if (row.event_type === 'MySqlBenchDeposited') balance += data.amount ?? 0;
  }
  if (balance < 0) throw new Error('impossible balance');
  return Number(rows[rows.length - 1].entity_version);
}

/** The append both hand-written variants do, on a connection inside a transaction: move the version, insert the event. */
async function appendDeposit(connection: PoolConnection, id: string, version: number, amount: number): Promise<void> {
  const [result] = await connection.execute<ResultSetHeader>(
    'UPDATE entities SET entity_version = ? WHERE entity_type = ? AND entity_id = ? AND entity_version = ?',
    [version + 1, 'MySqlBenchAccount', id, version],
  );
  if (result.affectedRows !== 1) throw new Error(`lost the race on ${id}`);
  await connection.execute(
    'INSERT INTO events (event_id, event_type, event_data, entity_type, entity_id, entity_version, triggering_event, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [randomUUID(), 'MySqlBenchDeposited', JSON.stringify({ amount }), 'MySqlBenchAccount', id, version + 1, null, JSON.stringify({ correlationId: randomUUID(), schemaVersion: 1 }), new Date()],
  );
}

/** Runs `body` in a transaction on a pool connection. */
async function inTransaction(pool: Pool, body: (connection: PoolConnection) => Promise<void>): Promise<void> {
  const connection = await pool.getConnection();
  try {
    await connection.query('START TRANSACTION');
    await body(connection);
    await connection.commit();
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

/**
 * Minimal hand-written mysql2 update, the reads and writes Eventloom does: read the
 * aggregate's events, fold them, move the version with a conditional UPDATE, insert the event.
 */
export async function rawUpdate(pool: Pool, id: string, amount: number): Promise<void> {
  await inTransaction(pool, async (connection) => {
    const [rows] = await connection.execute<RowDataPacket[]>(
      'SELECT event_type, event_data, entity_version FROM events WHERE entity_type = ? AND entity_id = ? ORDER BY entity_version',
      ['MySqlBenchAccount', id],
    );
    await appendDeposit(connection, id, decide(rows), amount);
  });
}

/**
 * Eventloom's load statement, copied from MySqlEventStore (keep the two alike): every event
 * column after the latest snapshot version, found by a subquery. (Until the store stopped
 * joining the snapshot onto each row, this copy had that join, and so does RESULTS.md's run.)
 */
const STORE_LOAD_SQL = `SELECT event_id, event_type, event_data, entity_version, triggering_event, metadata, created_at, position
     FROM events
     WHERE entity_type = ? AND entity_id = ?
       AND entity_version > (SELECT COALESCE(MAX(entity_version), 0) FROM snapshots WHERE entity_type = ? AND entity_id = ?)
     ORDER BY entity_version`;

/**
 * Diagnostic: hand-written code shaped like Eventloom's update: Eventloom's load statement on
 * the pool (outside the transaction), then UPDATE entities, INSERT event, COMMIT.
 */
export async function rawUpdateWithStoreRead(pool: Pool, id: string, amount: number): Promise<void> {
  const [rows] = await pool.execute<RowDataPacket[]>(STORE_LOAD_SQL, ['MySqlBenchAccount', id, 'MySqlBenchAccount', id]);
  const version = decide(rows);
  await inTransaction(pool, (connection) => appendDeposit(connection, id, version, amount));
}

type Variant = 'eventloom' | 'eventloomKeyed' | 'eventloomMiss' | 'eventloomUncached' | 'raw' | 'rawStoreRead';
const VARIANTS: Variant[] = ['eventloom', 'eventloomKeyed', 'eventloomMiss', 'eventloomUncached', 'raw', 'rawStoreRead'];
type RepositoryVariant = 'eventloom' | 'eventloomKeyed' | 'eventloomMiss' | 'eventloomUncached';

/**
 * Benchmark 2: updates per second (load, decide, append) on existing aggregates of
 * 5 events, each caller on its own aggregates, against hand-written mysql2. Eventloom
 * three ways: hot aggregates from its cache (the default), every command a cache miss
 * (a cache of one aggregate, so every command reads and fills it), and the cache off
 * (how every update ran before the cache: the miss must cost no more than this).
 */
export async function mysqlUpdateBenchmark(runs: number, callers = 8, perCaller = 200, millis = 1_600, slices = 8): Promise<Section> {
  return withDatabase('update', async (db) => {
    const store = new MySqlEventStore({ url: db.url });
    await store.ready();
    const repositories = {
      eventloom: new AggregateRepository(store),
      eventloomKeyed: new AggregateRepository(store),
      eventloomMiss: new AggregateRepository(store, { cache: { maxAggregates: 1 } }),
      eventloomUncached: new AggregateRepository(store, { cache: false }),
    };
    // The hand-written variants' aggregates are created through a repository whose cache they cannot crowd.
    const setup = new AggregateRepository(store, { cache: false });
    const pool = rawPool(db.url);
    /** Fresh aggregates of 5 events (one create appending the opening and 4 deposits), `perCaller` for each caller. */
    const fresh = async (repository: AggregateRepository): Promise<string[][]> => {
      const ids: string[][] = Array.from({ length: callers }, () => []);
      await Promise.all(
        ids.map(async (mine, c) => {
          for (let i = 0; i < perCaller; i++) mine.push((await repository.create(Account, new OpenAccount(`owner-${c}-${i}`, 4))).id);
        }),
      );
      return ids;
    };
    const freshForAll = async (): Promise<Record<Variant, string[][]>> => ({
      eventloom: await fresh(repositories.eventloom),
      eventloomKeyed: await fresh(repositories.eventloomKeyed),
      eventloomMiss: await fresh(repositories.eventloomMiss),
      eventloomUncached: await fresh(repositories.eventloomUncached),
      raw: await fresh(setup),
      rawStoreRead: await fresh(setup),
    });
    let keys = 0;
    const viaRepository = (v: RepositoryVariant, ids: Record<Variant, string[][]>) => async (c: number, i: number) => {
      // The keyed variant: each command with its own idempotency key, as an event handler's commands have.
      const options = v === 'eventloomKeyed' ? { idempotencyKey: `key-${keys++}` } : {};
      await repositories[v].update(Account, ids[v][c][i % perCaller], new Deposit(1), options);
      updates[v]++;
    };
    /** Each variant on its own fresh aggregates. */
    const opsOn = (ids: Record<Variant, string[][]>): Record<Variant, (caller: number, i: number) => Promise<void>> => ({
      eventloom: viaRepository('eventloom', ids),
      eventloomKeyed: viaRepository('eventloomKeyed', ids),
      eventloomMiss: viaRepository('eventloomMiss', ids),
      eventloomUncached: viaRepository('eventloomUncached', ids),
      raw: async (c, i) => {
        await rawUpdate(pool, ids.raw[c][i % perCaller], 1);
        updates.raw++;
      },
      rawStoreRead: async (c, i) => {
        await rawUpdateWithStoreRead(pool, ids.rawStoreRead[c][i % perCaller], 1);
        updates.rawStoreRead++;
      },
    });
    const data: Record<Variant, number[]> = { eventloom: [], eventloomKeyed: [], eventloomMiss: [], eventloomUncached: [], raw: [], rawStoreRead: [] };
    const updates: Record<Variant, number> = { eventloom: 0, eventloomKeyed: 0, eventloomMiss: 0, eventloomUncached: 0, raw: 0, rawStoreRead: 0 };
    try {
      await sideBySide(opsOn(await freshForAll()), callers, 2, 500);
      for (let run = 0; run < runs; run++) {
        const rates = await sideBySide(opsOn(await freshForAll()), callers, slices, millis / slices, run);
        for (const v of VARIANTS) data[v].push(rates[v]);
        log(`mysql-update: run ${run + 1}/${runs}`);
      }
    } finally {
      await pool.end();
      await store.close();
    }
    const rate = (v: Variant) => round(median(data[v]), 0);
    const ratio = (v: Variant, over: Variant = 'raw') => median(data[v].map((x, run) => x / data[over][run]));
    const hot = ratio('eventloom');
    const missOverUncached = ratio('eventloomMiss', 'eventloomUncached');
    const meanUpdatesPerAggregate = updates.eventloom / (runs + 1) / (callers * perCaller);
    const metrics = repositories.eventloom.metrics;
    return {
      title: '2. MySQL update throughput: load + command + append vs hand-written mysql2, with and without the aggregate cache',
      target: 'hot aggregates (cached) / raw ≥ 1.2; cache miss / cache off ≥ 0.95 (no slower than before the cache, within noise)',
      met: hot >= 1.2 && missOverUncached >= 0.95,
      columns: [
        'callers',
        'Eventloom hot (cached) updates/s (/ raw)',
        'Eventloom hot, each command with an idempotency key, updates/s (/ raw)',
        'Eventloom cache miss updates/s (/ raw)',
        'Eventloom cache off updates/s (/ raw)',
        'cache miss / cache off',
        'raw mysql2 updates/s',
        "diagnostic: raw with Eventloom's load statement, updates/s (/ raw)",
      ],
      rows: [
        [
          callers,
          `${rate('eventloom')} (${round(hot, 2)})`,
          `${rate('eventloomKeyed')} (${round(ratio('eventloomKeyed'), 2)})`,
          `${rate('eventloomMiss')} (${round(ratio('eventloomMiss'), 2)})`,
          `${rate('eventloomUncached')} (${round(ratio('eventloomUncached'), 2)})`,
          round(missOverUncached, 2),
          rate('raw'),
          `${rate('rawStoreRead')} (${round(ratio('rawStoreRead'), 2)})`,
        ],
      ],
      notes: [
        `Each caller updates its own ${perCaller} aggregates round-robin; each aggregate starts with 5 events (fresh aggregates for every run and variant), so histories stay at 5–${5 + Math.ceil(meanUpdatesPerAggregate)} events.`,
        'Raw: one transaction of SELECT events, fold, conditional UPDATE entities, INSERT event, COMMIT (5 round trips), every time. Eventloom hot: no read (the aggregate is in the cache: a copy of it is decided on), then the append transaction (4 round trips) whose version check would catch another process\'s append. Keyed: the same with an idempotency key per command, decided on the cache while it knows every key of the history (here always). Cache miss: a cache of one aggregate, so every command reads (1 statement) and refills the cache. Cache off: load then append, as before the cache.',
        `Hot repository after the runs: ${metrics.cacheHits} cache hits, ${metrics.loads} loads, ${metrics.conflicts} conflicts.`,
        "Diagnostic column: the raw code, but reading with Eventloom's load statement on the pool before its transaction, as the store does.",
        `${runs} runs of ${millis / 1000} s per variant, each run split into ${slices} slices alternating the variants (order rotating), after a warm-up of all; figures are medians of the runs, ratios medians of per-run ratios.`,
      ],
      data: { updatesPerSecond: data, updates, metrics },
    };
  });
}
