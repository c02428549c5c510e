import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { createDatabaseIfMissing } from '../connection';
import { migrate } from '../schema/migrations';

/** The server integration tests use; scripts/ensure-mariadb.sh starts it. */
export const TEST_SERVER_URL =
  process.env.EVENTLOOM_TEST_MYSQL_URL ??
  `mysql://root@${process.env.EVENTLOOM_MYSQL_HOST ?? '127.0.0.1'}:${process.env.EVENTLOOM_MYSQL_PORT ?? '3306'}`;

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A new, empty, uniquely named database; `migrated` also creates the event store tables. */
export async function createTestDatabase(label: string, options: { migrated?: boolean; tablePrefix?: string } = {}): Promise<TestDatabase> {
  const name = `eventloom_test_${label}_${process.pid}_${randomBytes(4).toString('hex')}`.slice(0, 64);
  const url = `${TEST_SERVER_URL}/${name}`;
  await createDatabaseIfMissing(url);
  if (options.migrated) await migrate(url, { tablePrefix: options.tablePrefix });
  return {
    name,
    url,
    async drop() {
      const connection = await createConnection(TEST_SERVER_URL);
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
