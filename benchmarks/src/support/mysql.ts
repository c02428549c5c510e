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
