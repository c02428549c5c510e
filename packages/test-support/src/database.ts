import mysql, { Pool } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { createDatabaseIfMissing, migrate } from '@eventloom/mysql';

/** The server integration tests use (scripts/ensure-mariadb.sh starts it): EVENTLOOM_TEST_MYSQL_URL, or EVENTLOOM_MYSQL_HOST/PORT as root. */
export const TEST_SERVER_URL =
  process.env.EVENTLOOM_TEST_MYSQL_URL ??
  `mysql://root@${process.env.EVENTLOOM_MYSQL_HOST ?? '127.0.0.1'}:${process.env.EVENTLOOM_MYSQL_PORT ?? '3306'}`;

// How the store reads: UTC, BIGINTs beyond 2^53 as strings (so tests see what the code sees).
const connectionDefaults = { timezone: 'Z', supportBigNumbers: true, dateStrings: false } as const;

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** A pool on the database, opened on first use and ended by drop(). */
  readonly pool: Pool;
  drop(): Promise<void>;
}

/**
 * A new, empty, uniquely named database for one test file, dropped at the
 * end; `migrated` also creates the Eventloom tables (with the table prefix).
 */
export async function createTestDatabase(label: string, options: { migrated?: boolean; tablePrefix?: string } = {}): Promise<TestDatabase> {
  const name = `eventloom_test_${label}_${process.pid}_${randomBytes(4).toString('hex')}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
  const url = `${TEST_SERVER_URL}/${name}`;
  await createDatabaseIfMissing(url);
  if (options.migrated) await migrate(url, { tablePrefix: options.tablePrefix });
  let pool: Pool | undefined;
  return {
    name,
    url,
    get pool() {
      return (pool ??= mysql.createPool({ uri: url, connectionLimit: 8, ...connectionDefaults }));
    },
    async drop() {
      await pool?.end();
      const connection = await mysql.createConnection(TEST_SERVER_URL);
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/** The Eventloom tables (events, entities, snapshots, ...), by @eventloom/mysql's migrate(). */
export async function createEventsTable(pool: Pool, prefix = ''): Promise<void> {
  await migrate(pool, { tablePrefix: prefix });
}
