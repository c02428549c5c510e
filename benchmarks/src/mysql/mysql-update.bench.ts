import { randomUUID } from 'node:crypto';
import { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { AggregateRepository } from '@eventloom/core';
import { MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { log, sideBySide, withDatabase } from '../support/mysql';
import { Account, Deposit, OpenAccount } from '../support/model';
import { rawPool } from './mysql-create.bench';

/**
 * Minimal hand-written mysql2 update, the reads and writes Eventloom does: read the
 * aggregate's events, fold them, move the version with a conditional UPDATE, insert the event.
 */
export async function rawUpdate(pool: Pool, id: string, amount: number): Promise<void> {
  const connection = await pool.getConnection();
  try {
    await connection.query('START TRANSACTION');
    const [rows] = await connection.execute<RowDataPacket[]>(
      'SELECT event_type, event_data, entity_version FROM events WHERE entity_type = ? AND entity_id = ? ORDER BY entity_version',
      ['MySqlBenchAccount', id],
    );
    let balance = 0;
    for (const row of rows) {
      const data = JSON.parse(row.event_data as string) as { amount?: number };
      if (row.event_type === 'MySqlBenchDeposited') balance += data.amount ?? 0;
    }
    if (balance < 0) throw new Error('impossible balance');
    const version = Number(rows[rows.length - 1].entity_version);
    const [result] = await connection.execute<ResultSetHeader>(
      'UPDATE entities SET entity_version = ? WHERE entity_type = ? AND entity_id = ? AND entity_version = ?',
      [version + 1, 'MySqlBenchAccount', id, version],
    );
    if (result.affectedRows !== 1) throw new Error(`lost the race on ${id}`);
    await connection.execute(
      'INSERT INTO events (event_id, event_type, event_data, entity_type, entity_id, entity_version, triggering_event, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [randomUUID(), 'MySqlBenchDeposited', JSON.stringify({ amount }), 'MySqlBenchAccount', id, version + 1, null, JSON.stringify({ correlationId: randomUUID(), schemaVersion: 1 }), new Date()],
    );
    await connection.commit();
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

/**
 * Eventloom's load statement, copied from MySqlEventStore: every event column, the snapshot
 * LEFT JOINed onto the first event after it, and the latest snapshot version as a subquery.
 */
const STORE_LOAD_SQL = `SELECT e.event_id, e.event_type, e.event_data, e.entity_version, e.triggering_event, e.metadata, e.created_at, e.position, s.snapshot_type, s.snapshot_json
     FROM events e
     LEFT JOIN snapshots s
       ON s.entity_type = e.entity_type AND s.entity_id = e.entity_id AND s.entity_version = e.entity_version - 1
     WHERE e.entity_type = ? AND e.entity_id = ?
       AND e.entity_version > (SELECT COALESCE(MAX(entity_version), 0) FROM snapshots WHERE entity_type = ? AND entity_id = ?)
     ORDER BY e.entity_version`;

/**
 * Diagnostic: hand-written code shaped like Eventloom's update: Eventloom's load statement on
 * the pool (outside the transaction), then UPDATE entities, INSERT event, COMMIT.
 */
export async function rawUpdateWithStoreRead(pool: Pool, id: string, amount: number): Promise<void> {
  const [rows] = await pool.execute<RowDataPacket[]>(STORE_LOAD_SQL, ['MySqlBenchAccount', id, 'MySqlBenchAccount', id]);
  let balance = 0;
  for (const row of rows) {
    const data = JSON.parse(row.event_data as string) as { amount?: number };
    if (row.event_type === 'MySqlBenchDeposited') balance += data.amount ?? 0;
  }
  if (balance < 0) throw new Error('impossible balance');
  const version = Number(rows[rows.length - 1].entity_version);
  const connection = await pool.getConnection();
  try {
    await connection.query('START TRANSACTION');
    const [result] = await connection.execute<ResultSetHeader>(
      'UPDATE entities SET entity_version = ? WHERE entity_type = ? AND entity_id = ? AND entity_version = ?',
      [version + 1, 'MySqlBenchAccount', id, version],
    );
    if (result.affectedRows !== 1) throw new Error(`lost the race on ${id}`);
    await connection.execute(
      'INSERT INTO events (event_id, event_type, event_data, entity_type, entity_id, entity_version, triggering_event, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [randomUUID(), 'MySqlBenchDeposited', JSON.stringify({ amount }), 'MySqlBenchAccount', id, version + 1, null, JSON.stringify({ correlationId: randomUUID(), schemaVersion: 1 }), new Date()],
    );
    await connection.commit();
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
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
        "Diagnostic column: the raw code, but reading with Eventloom's load statement (all event columns, snapshot LEFT JOIN, MAX(snapshot version) subquery) on the pool before its transaction, as the store does; the gap between it and raw is the read's share of Eventloom's cost, the rest is in the repository and store code.",
        `${runs} runs of ${millis / 1000} s per variant, each run split into ${slices} slices alternating the variants (order rotating), after a warm-up of all; figures are medians of the runs.`,
      ],
      data: { updatesPerSecond: data, updates },
    };
  });
}
