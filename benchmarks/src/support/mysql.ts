import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { createDatabaseIfMissing, migrate } from '@eventloom/mysql';

/** The server benchmarks use (EVENTLOOM_BENCH_MYSQL_URL, default root on 127.0.0.1:3306), without a database. */
export const BENCH_SERVER_URL = process.env.EVENTLOOM_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A new, uniquely named, migrated database for one benchmark. */
export async function benchDatabase(label: string, tablePrefixes: string[] = ['']): Promise<BenchDatabase> {
  const name = `eventloom_bench_${label}_${process.pid}_${randomBytes(3).toString('hex')}`.slice(0, 64);
  const url = `${BENCH_SERVER_URL}/${name}`;
  await createDatabaseIfMissing(url);
  for (const tablePrefix of tablePrefixes) await migrate(url, { tablePrefix });
  return {
    name,
    url,
    async drop() {
      const connection = await createConnection(BENCH_SERVER_URL);
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/** Runs `body` with a fresh database, dropped afterwards whatever happens. */
export async function withDatabase<T>(label: string, body: (db: BenchDatabase) => Promise<T>, tablePrefixes?: string[]): Promise<T> {
  const db = await benchDatabase(label, tablePrefixes);
  try {
    return await body(db);
  } finally {
    await db.drop();
  }
}

/** Runs `callers` loops of `op` concurrently for `millis`; returns operations per second. */
export async function throughput(callers: number, millis: number, op: (caller: number, i: number) => Promise<void>): Promise<{ ops: number; millis: number; perSecond: number }> {
  const started = performance.now();
  const deadline = started + millis;
  let ops = 0;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = 0; performance.now() < deadline; i++) {
        await op(caller, i);
        ops++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  return { ops, millis: elapsed, perSecond: (ops / elapsed) * 1000 };
}

export const log = (line: string) => process.stderr.write(`  ${line}\n`);

/**
 * One run of a side-by-side comparison: `slices` rounds, each running every variant
 * for `sliceMillis` with `callers` concurrent loops, the order rotating every round,
 * so that the variants share the machine's ups and downs. Returns ops/s per variant.
 * `op` gets the caller and that caller's running count for the variant.
 */
export async function sideBySide<V extends string>(
  ops: Record<V, (caller: number, i: number) => Promise<void>>,
  callers: number,
  slices: number,
  sliceMillis: number,
  rotation = 0,
): Promise<Record<V, number>> {
  const names = Object.keys(ops) as V[];
  const counts = new Map<V, number[]>(names.map((v) => [v, Array.from({ length: callers }, () => 0)]));
  const totals = new Map<V, { ops: number; millis: number }>(names.map((v) => [v, { ops: 0, millis: 0 }]));
  for (let s = 0; s < slices; s++) {
    const order = names.map((_, i) => names[(i + s + rotation) % names.length]);
    for (const v of order) {
      const mine = counts.get(v)!;
      const result = await throughput(callers, sliceMillis, (caller) => ops[v](caller, mine[caller]++));
      const total = totals.get(v)!;
      total.ops += result.ops;
      total.millis += result.millis;
    }
  }
  return Object.fromEntries(names.map((v) => [v, (totals.get(v)!.ops / totals.get(v)!.millis) * 1000])) as Record<V, number>;
}
