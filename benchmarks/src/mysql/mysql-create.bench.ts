import { randomUUID } from 'node:crypto';
import { createPool, Pool } from 'mysql2/promise';
import { AggregateRepository } from '@eventloom/core';
import { MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { log, sideBySide, withDatabase } from '../support/mysql';
import { Account, OpenAccount } from '../support/model';


/** Minimal hand-written mysql2: the entity row and the event row in one transaction, the columns Eventloom writes. */
export async function rawCreate(pool: Pool, owner: string): Promise<string> {
  const id = randomUUID();
  const connection = await pool.getConnection();
  try {
    await connection.query('START TRANSACTION');
    await connection.execute('INSERT INTO entities (entity_type, entity_id, entity_version) VALUES (?, ?, ?)', ['MySqlBenchAccount', id, 1]);
    await connection.execute(
      'INSERT INTO events (event_id, event_type, event_data, entity_type, entity_id, entity_version, triggering_event, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [randomUUID(), 'MySqlBenchAccountOpened', JSON.stringify({ owner }), 'MySqlBenchAccount', id, 1, null, JSON.stringify({ correlationId: randomUUID(), schemaVersion: 1 }), new Date()],
    );
    await connection.commit();
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
  return id;
}

/** The pool a hand-written service would open: mysql2 with the same size (10) and session settings as the store's. */
export function rawPool(url: string): Pool {
  return createPool({ uri: url, connectionLimit: 10, timezone: 'Z', charset: 'utf8mb4_unicode_ci', enableKeepAlive: true });
}

type Variant = 'eventloom' | 'raw';

/**
 * Benchmark 1: creates per second through AggregateRepository on MySqlEventStore,
 * against hand-written mysql2 writing the same two rows, alternating in one database.
 */
export async function mysqlCreateBenchmark(runs: number, callerCounts = [1, 8], millis = 1_600, slices = 8): Promise<Section> {
  return withDatabase('create', async (db) => {
    const store = new MySqlEventStore({ url: db.url });
    await store.ready();
    const repository = new AggregateRepository(store);
    const pool = rawPool(db.url);
    const ops: Record<Variant, (caller: number, i: number) => Promise<void>> = {
      eventloom: async (c, i) => {
        await repository.create(Account, new OpenAccount(`owner-${c}-${i}`));
      },
      raw: async (c, i) => {
        await rawCreate(pool, `owner-${c}-${i}`);
      },
    };
    const data: Record<number, Record<Variant, number[]>> = {};
    try {
      // Warm both paths (JIT, pool connections, prepared statements) before measuring.
      for (const callers of callerCounts) await sideBySide(ops, callers, 2, 500);
      for (let run = 0; run < runs; run++) {
        for (const callers of callerCounts) {
          data[callers] ??= { eventloom: [], raw: [] };
          const rates = await sideBySide(ops, callers, slices, millis / slices, run);
          for (const v of ['eventloom', 'raw'] as Variant[]) data[callers][v].push(rates[v]);
        }
        log(`mysql-create: run ${run + 1}/${runs}`);
      }
    } finally {
      await pool.end();
      await store.close();
    }
    // Each run's ratio compares figures measured side by side; the median of those is steadier than a ratio of medians on a busy machine.
    const ratios = callerCounts.map((c) => median(data[c].eventloom.map((ours, run) => ours / data[c].raw[run])));
    return {
      title: '1. MySQL create throughput: AggregateRepository vs hand-written mysql2',
      target: 'Eventloom / raw ≥ 0.9 at 1 and at 8 concurrent callers',
      met: ratios.every((r) => r >= 0.9),
      columns: ['callers', 'Eventloom creates/s', 'raw mysql2 creates/s', 'Eventloom / raw (median of per-run ratios)'],
      rows: callerCounts.map((c, i) => [c, round(median(data[c].eventloom), 0), round(median(data[c].raw), 0), round(ratios[i], 2)]),
      notes: [
        'Both write one `entities` row and one `events` row in one transaction (4 round trips: START TRANSACTION, 2 INSERTs, COMMIT), pools of 10 connections, same database and tables.',
        `${runs} runs of ${millis / 1000} s per variant and cell, each run split into ${slices} slices alternating Eventloom and raw (order rotating), after a warm-up of both; figures are medians of the runs.`,
      ],
      data,
    };
  });
}
