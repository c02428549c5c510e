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

type Variant = 'eventloom' | 'raw' | 'rawStoreRead';
const VARIANTS: Variant[] = ['eventloom', 'raw', 'rawStoreRead'];

/**
 * Benchmark 2: updates per second (load, decide, append) on existing aggregates of
 * 5 events, each caller on its own aggregates, against hand-written mysql2.
 */
export async function mysqlUpdateBenchmark(runs: number, callers = 8, perCaller = 200, millis = 1_600, slices = 8): Promise<Section> {
  return withDatabase('update', async (db) => {
    const store = new MySqlEventStore({ url: db.url });
    await store.ready();
    const repository = new AggregateRepository(store);
    const pool = rawPool(db.url);
    /** Fresh aggregates of 5 events (opened + 4 deposits, one append each), `perCaller` for each caller. */
    const fresh = async (): Promise<string[][]> => {
      const ids: string[][] = Array.from({ length: callers }, () => []);
      await Promise.all(
        ids.map(async (mine, c) => {
          for (let i = 0; i < perCaller; i++) mine.push((await repository.create(Account, new OpenAccount(`owner-${c}-${i}`, 4))).id);
        }),
      );
      return ids;
    };
    /** Each variant on its own fresh aggregates. */
    const opsOn = (ids: Record<Variant, string[][]>): Record<Variant, (caller: number, i: number) => Promise<void>> => ({
      eventloom: async (c, i) => {
        await repository.update(Account, ids.eventloom[c][i % perCaller], new Deposit(1));
        updates.eventloom++;
      },
      raw: async (c, i) => {
        await rawUpdate(pool, ids.raw[c][i % perCaller], 1);
        updates.raw++;
      },
      rawStoreRead: async (c, i) => {
        await rawUpdateWithStoreRead(pool, ids.rawStoreRead[c][i % perCaller], 1);
        updates.rawStoreRead++;
      },
    });
    const data: Record<Variant, number[]> = { eventloom: [], raw: [], rawStoreRead: [] };
    const updates: Record<Variant, number> = { eventloom: 0, raw: 0, rawStoreRead: 0 };
    try {
      const warm = { eventloom: await fresh(), raw: await fresh(), rawStoreRead: await fresh() };
      await sideBySide(opsOn(warm), callers, 2, 500);
      for (let run = 0; run < runs; run++) {
        const ids = { eventloom: await fresh(), raw: await fresh(), rawStoreRead: await fresh() };
        const rates = await sideBySide(opsOn(ids), callers, slices, millis / slices, run);
        for (const v of VARIANTS) data[v].push(rates[v]);
        log(`mysql-update: run ${run + 1}/${runs}`);
      }
    } finally {
      await pool.end();
      await store.close();
    }
    const ours = median(data.eventloom);
    const raw = median(data.raw);
    const ratio = median(data.eventloom.map((x, run) => x / data.raw[run]));
    const shaped = median(data.rawStoreRead);
    const shapedRatio = median(data.rawStoreRead.map((x, run) => x / data.raw[run]));
    const meanUpdatesPerAggregate = updates.eventloom / (runs + 1) / (callers * perCaller);
    return {
      title: '2. MySQL update throughput: load + command + append vs hand-written mysql2',
      target: 'Eventloom / raw ≥ 0.8',
      met: ratio >= 0.8,
      columns: ['callers', 'Eventloom updates/s', 'raw mysql2 updates/s', 'Eventloom / raw (median of per-run ratios)', 'diagnostic: raw with Eventloom\'s load statement, updates/s (/ raw)'],
      rows: [[callers, round(ours, 0), round(raw, 0), round(ratio, 2), `${round(shaped, 0)} (${round(shapedRatio, 2)})`]],
      notes: [
        `Each caller updates its own ${perCaller} aggregates round-robin; each aggregate starts with 5 events (fresh aggregates for every run and variant), so histories stay at 5–${5 + Math.ceil(meanUpdatesPerAggregate)} events.`,
        'Raw: one transaction of SELECT events, fold, conditional UPDATE entities, INSERT event, COMMIT (5 round trips). Eventloom: load (1 statement) then the append transaction (4 round trips), no snapshots.',
        "Diagnostic column: the raw code, but reading with Eventloom's load statement (all event columns after the MAX(snapshot version) subquery) on the pool before its transaction, as the store does; the gap between it and raw is the read's share of Eventloom's cost, the rest is in the repository and store code.",
        `${runs} runs of ${millis / 1000} s per variant, each run split into ${slices} slices alternating the variants (order rotating), after a warm-up of all; figures are medians of the runs.`,
      ],
      data: { updatesPerSecond: data, updates },
    };
  });
}
