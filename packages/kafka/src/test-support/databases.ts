import mysql, { Pool } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { connectionDefaults } from '../mysql/connection';

const host = process.env.EVENTLOOM_MYSQL_HOST ?? '127.0.0.1';
const port = Number(process.env.EVENTLOOM_MYSQL_PORT ?? 3306);
const user = process.env.EVENTLOOM_MYSQL_USER ?? 'root';
const password = process.env.EVENTLOOM_MYSQL_PASSWORD ?? '';

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

/** The agreed events table (until @eventloom/mysql's migrate() is used here). */
export async function createEventsTable(pool: Pool, prefix = ''): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS \`${prefix}events\` (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id VARCHAR(36) NOT NULL UNIQUE,
    event_type VARCHAR(255) NOT NULL,
    event_data LONGTEXT NOT NULL,
    entity_type VARCHAR(255) NOT NULL,
    entity_id VARCHAR(255) NOT NULL,
    entity_version INT NOT NULL,
    triggering_event VARCHAR(36) NULL,
    metadata LONGTEXT NULL,
    created_at DATETIME(6) NOT NULL,
    published TINYINT NOT NULL DEFAULT 0,
    position BIGINT NULL UNIQUE,
    UNIQUE KEY entity_version_unique (entity_type, entity_id, entity_version),
    INDEX published_id (published, id)
  ) ENGINE=InnoDB`);
}
