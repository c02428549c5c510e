import mysql, { Pool } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { migrate } from '@eventloom/mysql';

const host = process.env.EVENTLOOM_MYSQL_HOST ?? '127.0.0.1';
const port = Number(process.env.EVENTLOOM_MYSQL_PORT ?? 3306);
const user = process.env.EVENTLOOM_MYSQL_USER ?? 'root';
const password = process.env.EVENTLOOM_MYSQL_PASSWORD ?? '';
const connectionDefaults = { timezone: 'Z', supportBigNumbers: true, dateStrings: false } as const;

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

/** A fresh database for one test file, dropped at the end. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `ek_${label}_${randomBytes(4).toString('hex')}`.replace(/[^A-Za-z0-9_]/g, '_');
  const admin = await mysql.createConnection({ host, port, user, password });
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user);
  const url = `mysql://${auth}@${host}:${port}/${name}`;
  const pool = mysql.createPool({ uri: url, connectionLimit: 8, ...connectionDefaults });
  return {
    name,
    url,
    pool,
    drop: async () => {
      await pool.end();
      const again = await mysql.createConnection({ host, port, user, password });
      await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await again.end();
    },
  };
}

/** The event store tables (events, entities, snapshots, received_events), by @eventloom/mysql's migrate(). */
export async function createEventsTable(pool: Pool, prefix = ''): Promise<void> {
  await migrate(pool, { tablePrefix: prefix });
}
