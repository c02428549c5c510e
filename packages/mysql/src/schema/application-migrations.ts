import { Pool } from 'mysql2/promise';
import { PoolSettings } from '../connection';
import { MySqlConfigError } from '../errors';
import { MigrationResult, onConnection, runMigrations, TABLE_OPTIONS } from './migrations';

/** One version of an application's own schema, e.g. its `orders` table. */
export interface ApplicationMigration {
  /** 1, 2, 3...: applied in this order, each once per database and component. */
  readonly version: number;
  readonly name: string;
  /** Each must be safe to run again (CREATE TABLE IF NOT EXISTS...): a run can die between two DDL statements. */
  readonly statements: readonly string[];
}

export interface ApplicationMigrationOptions extends Pick<PoolSettings, 'connectionOptions' | 'connectTimeoutMs'> {
  /** Whose migrations these are, e.g. 'order-service': its versions are counted apart from the framework's and other components'. */
  readonly component: string;
  readonly migrations: readonly ApplicationMigration[];
  /** How long to wait for another process migrating the same component (default 60 s). */
  readonly lockTimeoutSeconds?: number;
}

/** Where every component's applied versions are recorded, one row per (component, version). */
export const APPLICATION_MIGRATIONS_TABLE = 'eventloom_app_migrations';

/**
 * Creates or upgrades an application's own tables with the framework's
 * migration runner: the same named lock (so several processes may run it at
 * once) and the same once-per-version record, in a ledger of the component's
 * own (`eventloom_app_migrations`, keyed by component and version).
 */
export async function migrateApplication(target: string | Pool, options: ApplicationMigrationOptions): Promise<MigrationResult> {
  const { component, migrations } = options;
  checkMigrations(component, migrations);
  const table = `\`${APPLICATION_MIGRATIONS_TABLE}\``;
  return onConnection(target, options, (connection) =>
    runMigrations(connection, {
      lockKey: `application\u0000${component}`,
      what: `component '${component}'`,
      lockTimeoutSeconds: options.lockTimeoutSeconds,
      ledger: {
        create: `CREATE TABLE IF NOT EXISTS ${table} (
          component VARCHAR(255) NOT NULL,
          version INT NOT NULL,
          name VARCHAR(255) NOT NULL,
          applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
          PRIMARY KEY (component, version)
        ) ${TABLE_OPTIONS}`,
        applied: [`SELECT version FROM ${table} WHERE component = ?`, [component]],
        record: (m) => [`INSERT IGNORE INTO ${table} (component, version, name) VALUES (?, ?, ?)`, [component, m.version, m.name]],
      },
      migrations,
    }),
  );
}

function checkMigrations(component: string, migrations: readonly ApplicationMigration[]): void {
  if (typeof component !== 'string' || component.length === 0 || component.length > 255) {
    throw new MySqlConfigError(`migrateApplication needs a component name of 1 to 255 characters, e.g. 'order-service'; got ${JSON.stringify(component)}.`);
  }
  let previous = 0;
  for (const { version, name } of migrations) {
    if (!Number.isInteger(version) || version <= previous) {
      throw new MySqlConfigError(
        `Migrations of '${component}' must have whole versions from 1, in increasing order: '${name}' has version ${version} after ${previous}.`,
      );
    }
    previous = version;
  }
}
