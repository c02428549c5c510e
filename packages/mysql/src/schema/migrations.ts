import { createHash } from 'node:crypto';
import { Connection, createConnection, Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { EventloomError } from '@eventloom/core';
import { connectionFailure, connectionOptionsFor, errorCode, parseMySqlUrl, PoolSettings } from '../connection';
import { MySqlConfigError } from '../errors';
import { TableNames, tableNames } from './table-names';
import { lockNameFor } from '../publication/leader-lock';

interface Migration {
  readonly version: number;
  readonly name: string;
  /** Each statement must be safe to run again: a run can die between two DDL statements (DDL is not transactional). */
  readonly statements: (t: TableNames) => string[];
  /**
   * Rewrites what a running publisher writes: the run holds the publisher lock
   * throughout, so that no publisher (of this release or an older one) gives a
   * position meanwhile, and refuses while one leads.
   */
  readonly excludesPublishers?: true;
}

// utf8mb4_bin: ids and type names compare exactly (no case folding), as in every other back end.
export const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'event store tables',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.events} (
        id BIGINT NOT NULL AUTO_INCREMENT,
        event_id VARCHAR(36) NOT NULL,
        event_type VARCHAR(255) NOT NULL,
        event_data LONGTEXT NOT NULL,
        entity_type VARCHAR(255) NOT NULL,
        entity_id VARCHAR(255) NOT NULL,
        entity_version INT NOT NULL,
        triggering_event VARCHAR(255) NULL,
        metadata LONGTEXT NOT NULL,
        created_at DATETIME(6) NOT NULL,
        published TINYINT NOT NULL DEFAULT 0,
        position BIGINT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_events_event_id (event_id),
        UNIQUE KEY uq_events_position (position),
        UNIQUE KEY uq_events_entity_version (entity_type, entity_id, entity_version),
        KEY ix_events_unpublished (published, id),
        KEY ix_events_triggering_event (entity_type, entity_id, triggering_event)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS ${t.entities} (
        entity_type VARCHAR(255) NOT NULL,
        entity_id VARCHAR(255) NOT NULL,
        entity_version INT NOT NULL,
        PRIMARY KEY (entity_type, entity_id)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS ${t.snapshots} (
        entity_type VARCHAR(255) NOT NULL,
        entity_id VARCHAR(255) NOT NULL,
        entity_version INT NOT NULL,
        snapshot_type VARCHAR(255) NOT NULL,
        snapshot_json LONGTEXT NOT NULL,
        triggering_events LONGTEXT NULL,
        PRIMARY KEY (entity_type, entity_id, entity_version)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS ${t.receivedEvents} (
        subscriber_id VARCHAR(255) NOT NULL,
        event_id VARCHAR(255) NOT NULL,
        created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        PRIMARY KEY (subscriber_id, event_id)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 2,
    name: 'subscriber positions for in-process delivery',
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.subscriberPositions} (
        subscriber_id VARCHAR(255) NOT NULL,
        position BIGINT NOT NULL,
        updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
        PRIMARY KEY (subscriber_id)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 3,
    name: 'dead letters and rebuild marks',
    statements: (t) => [
      // One row per subscriber and event: parking it again updates the row and counts (park_count).
      `CREATE TABLE IF NOT EXISTS ${t.parkedEvents} (
        id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        subscriber_id VARCHAR(255) NOT NULL,
        event_id VARCHAR(255) NOT NULL,
        event_type VARCHAR(255) NOT NULL,
        aggregate_type VARCHAR(255) NOT NULL,
        aggregate_id VARCHAR(255) NOT NULL,
        version INT NOT NULL,
        position BIGINT NULL,
        event_json LONGTEXT NOT NULL,
        error TEXT NOT NULL,
        attempts INT NOT NULL,
        park_count INT NOT NULL DEFAULT 1,
        parked_at DATETIME(6) NOT NULL,
        UNIQUE KEY parked_event (subscriber_id, event_id),
        KEY parked_aggregate (subscriber_id, aggregate_type, aggregate_id)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS ${t.rebuildMarks} (
        subscriber_id VARCHAR(255) NOT NULL PRIMARY KEY,
        position BIGINT NOT NULL,
        rebuilt_at DATETIME(6) NOT NULL
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 4,
    name: 'messaging: received messages and saga instances',
    // Outbox messages need no table of their own: they are rows of the events table (entity_version 0),
    // so the one sequencer gives them positions with the events and every publisher delivers them.
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.receivedMessages} (
        consumer_id VARCHAR(255) NOT NULL,
        message_id VARCHAR(255) NOT NULL,
        creation_time DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        PRIMARY KEY (consumer_id, message_id)
      ) ${TABLE_OPTIONS}`,
      `CREATE TABLE IF NOT EXISTS ${t.sagaInstances} (
        saga_type VARCHAR(255) NOT NULL,
        saga_id VARCHAR(100) NOT NULL,
        status VARCHAR(16) NOT NULL,
        saga_data_json LONGTEXT NOT NULL,
        step INT NOT NULL,
        compensating TINYINT NOT NULL,
        request_id VARCHAR(36) NULL,
        attempt INT NOT NULL,
        deadline DATETIME(6) NULL,
        reason TEXT NULL,
        version BIGINT NOT NULL,
        created_at DATETIME(6) NOT NULL,
        updated_at DATETIME(6) NOT NULL,
        PRIMARY KEY (saga_type, saga_id),
        KEY ix_saga_instance_deadline (saga_type, status, deadline),
        KEY ix_saga_instance_status (saga_type, status, created_at)
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 5,
    name: 'replays in progress',
    statements: (t) => [
      // One row per subscriber while `eventloom rebuild/replay` runs; `position` is how far it got, so a killed run resumes.
      `CREATE TABLE IF NOT EXISTS ${t.replays} (
        subscriber_id VARCHAR(255) NOT NULL PRIMARY KEY,
        from_position BIGINT NOT NULL,
        position BIGINT NOT NULL,
        started_at DATETIME(6) NOT NULL,
        updated_at DATETIME(6) NOT NULL
      ) ${TABLE_OPTIONS}`,
    ],
  },
  {
    version: 6,
    name: 'snapshot schema versions',
    // The version of the snapshot's shape (@Aggregate's snapshotVersion); snapshots written before it are version 1.
    statements: (t) => addColumn(t.snapshots, 'snapshot_schema_version', 'INT NOT NULL DEFAULT 1'),
  },
  {
    version: 7,
    name: 'published position: one high-water mark instead of a flag per event',
    // Marking every event row published cost an update of the wide row and of the (published, id) index per
    // event (benchmarks/RESULTS.md, issue 12 item 1); one row now says how far the publication got. Seeded with
    // what the flags said: one before the first sequenced event not yet published, else the highest position.
    // The `published` column stays (older readers may look at it) but is no longer written.
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t.publication} (
        id TINYINT NOT NULL PRIMARY KEY,
        published_position BIGINT NOT NULL,
        updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
      ) ${TABLE_OPTIONS}`,
      `INSERT IGNORE INTO ${t.publication} (id, published_position)
         SELECT 1, COALESCE((SELECT MIN(position) - 1 FROM ${t.events} WHERE published = 0 AND position IS NOT NULL),
                            (SELECT MAX(position) FROM ${t.events}), 0)`,
    ],
  },
  {
    version: 8,
    name: 'positions given in place: a fixed-size slot instead of a NULL that grows the row',
    excludesPublishers: true,
    // Giving a NULL position a value grew each row by 8 bytes, so InnoDB could not update it in place: it
    // reorganised the page (45-96 µs of MariaDB CPU and 3-4 KB of redo per event, against ~15 µs and ~230 bytes
    // in place; benchmarks/RESULTS.md, issue 12 item 1). `position_slot` holds the position from the insert on
    // (0 until the publisher gives one); `position` is now derived from it, so every reader and its unique
    // index stay as they were, and a publisher of an older release, which would write `position`, fails
    // instead of writing it. The `(published, id)` index goes too: nothing reads `published` since version 7.
    statements: (t) => [
      ...addColumn(t.events, 'position_slot', 'BIGINT NOT NULL DEFAULT 0'),
      // Once `position` is derived, every row with slot 0 has a NULL position: running this again changes nothing.
      `UPDATE ${t.events} SET position_slot = position WHERE position IS NOT NULL AND position_slot = 0`,
      ...whenColumnIsStored(
        t.events,
        'position',
        `ALTER TABLE ${t.events} DROP INDEX uq_events_position, DROP INDEX ix_events_unpublished, DROP COLUMN position,
           ADD COLUMN position BIGINT AS (NULLIF(position_slot, 0)) VIRTUAL, ADD UNIQUE KEY uq_events_position (position)`,
      ),
    ],
  },
];

/** The first schema version whose events take their position in `position_slot`. */
export const POSITION_SLOT_SINCE = 8;

/**
 * ALTER TABLE ... ADD COLUMN, skipped when the column exists (a run that died after
 * it): MySQL has no ADD COLUMN IF NOT EXISTS, so the check reads information_schema.
 */
function addColumn(table: string, column: string, definition: string): string[] {
  return ddlWhen(`(SELECT COUNT(*) FROM information_schema.columns ${whereColumn(table, column)}) = 0`, `ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

/** `ddl`, skipped once `column` is a generated one (a run that died after it). */
function whenColumnIsStored(table: string, column: string, ddl: string): string[] {
  return ddlWhen(
    `(SELECT COUNT(*) FROM information_schema.columns ${whereColumn(table, column)} AND COALESCE(generation_expression, '') = '') = 1`,
    ddl,
  );
}

function whereColumn(table: string, column: string): string {
  return `WHERE table_schema = DATABASE() AND table_name = '${table.replace(/`/g, '')}' AND column_name = '${column}'`;
}

/** DDL run only when `condition` (SQL) holds: MySQL has no IF in plain statements, so it goes through PREPARE. */
function ddlWhen(condition: string, ddl: string): string[] {
  return [
    `SET @eventloom_ddl = IF(${condition}, '${ddl.replace(/'/g, "''")}', 'DO 0')`,
    'PREPARE eventloom_ddl FROM @eventloom_ddl',
    'EXECUTE eventloom_ddl',
    'DEALLOCATE PREPARE eventloom_ddl',
  ];
}

/** The schema version this package reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export interface MigrateOptions extends Pick<PoolSettings, 'connectionOptions' | 'connectTimeoutMs'> {
  readonly tablePrefix?: string;
  /** How long to wait for another process that is migrating the same tables (default 60 s). */
  readonly lockTimeoutSeconds?: number;
}

export interface MigrationResult {
  /** Versions this call applied; empty when the schema was already current. */
  readonly applied: number[];
  readonly version: number;
}

/**
 * Creates or upgrades the event store tables. Safe to run twice and from
 * several processes at once: runs serialise on a server-wide named lock, and
 * every statement is idempotent in case a previous run died half-way.
 */
export async function migrate(target: string | Pool, options: MigrateOptions = {}): Promise<MigrationResult> {
  return migrateUpTo(target, SCHEMA_VERSION, options);
}

/** `migrate`, stopping after `version`: for tests that need the schema an older release left. */
export async function migrateUpTo(target: string | Pool, version: number, options: MigrateOptions = {}): Promise<MigrationResult> {
  const tables = tableNames(options.tablePrefix ?? '');
  return onConnection(target, options, (connection) => migrateOn(connection, tables, options, version));
}

async function migrateOn(connection: Connection, tables: TableNames, options: MigrateOptions, upTo: number): Promise<MigrationResult> {
  const publisherLock = await lockNameFor(connection, tables.prefix);
  return runMigrations(connection, {
    lockKey: tables.prefix,
    what: `table prefix '${tables.prefix}'`,
    lockTimeoutSeconds: options.lockTimeoutSeconds,
    ledger: {
      create: `CREATE TABLE IF NOT EXISTS ${tables.migrations} (
        version INT NOT NULL,
        name VARCHAR(255) NOT NULL,
        applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
        PRIMARY KEY (version)
      ) ${TABLE_OPTIONS}`,
      applied: [`SELECT version FROM ${tables.migrations}`, []],
      record: (m) => [`INSERT IGNORE INTO ${tables.migrations} (version, name) VALUES (?, ?)`, [m.version, m.name]],
    },
    migrations: MIGRATIONS.filter((m) => m.version <= upTo).map((m) => ({
      version: m.version,
      name: m.name,
      statements: m.statements(tables),
      exclusiveLock: m.excludesPublishers ? { name: publisherLock, holder: 'a publisher of these tables' } : undefined,
    })),
  });
}

/** A migration with its statements written out, for the runner below. */
export interface RunnableMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  /** A named lock held while the statements run, so that whoever else takes it (`holder`) waits or is refused. */
  readonly exclusiveLock?: { readonly name: string; readonly holder: string };
}

/** Where a run records the versions it applied: the framework's table, or an application component's rows. */
export interface MigrationLedger {
  readonly create: string;
  readonly applied: readonly [string, readonly (string | number)[]];
  readonly record: (migration: RunnableMigration) => readonly [string, readonly (string | number)[]];
}

/**
 * The one migration runner, for the framework's tables and the applications'
 * own: under a server-wide named lock (per database and `lockKey`), applies
 * in order each migration its ledger has not recorded, and records it.
 */
export async function runMigrations(
  connection: Connection,
  run: { readonly lockKey: string; readonly what: string; readonly lockTimeoutSeconds?: number; readonly ledger: MigrationLedger; readonly migrations: readonly RunnableMigration[] },
): Promise<MigrationResult> {
  const [[{ database }]] = await connection.query<RowDataPacket[]>('SELECT DATABASE() AS `database`');
  if (!database) throw new MySqlConfigError('migrate needs a database: name one in the URL path, e.g. mysql://root@127.0.0.1:3306/orders.');
  const lock = `eventloom_migrate_${createHash('sha1').update(`${database}\u0000${run.lockKey}`).digest('hex')}`;
  const timeout = run.lockTimeoutSeconds ?? 60;
  const [[{ acquired }]] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS acquired', [lock, timeout]);
  if (acquired !== 1) {
    throw new EventloomError(`Another migration of '${database}' (${run.what}) held the lock for over ${timeout} s.`);
  }
  try {
    await connection.query(run.ledger.create);
    const [rows] = await connection.query<RowDataPacket[]>(run.ledger.applied[0], [...run.ledger.applied[1]]);
    const done = new Set(rows.map((row) => Number(row.version)));
    const applied: number[] = [];
    for (const migration of run.migrations) {
      if (done.has(migration.version)) continue;
      await whileHolding(connection, migration, timeout, async () => {
        for (const statement of migration.statements) await connection.query(statement);
        const [sql, values] = run.ledger.record(migration);
        await connection.execute(sql, [...values]);
      });
      applied.push(migration.version);
    }
    return { applied, version: run.migrations.length ? run.migrations[run.migrations.length - 1].version : 0 };
  } finally {
    // Ending the connection releases the lock too; do not let a failed release hide the real error.
    await connection.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
  }
}

async function whileHolding(connection: Connection, migration: RunnableMigration, timeoutSeconds: number, work: () => Promise<void>): Promise<void> {
  const lock = migration.exclusiveLock;
  if (!lock) return work();
  const [[{ acquired }]] = await connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS acquired', [lock.name, timeoutSeconds]);
  if (acquired !== 1) {
    const [[holder]] = await connection.query<RowDataPacket[]>(
      'SELECT p.ID AS id, p.HOST AS host FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(?)',
      [lock.name],
    );
    const who = holder ? `connection ${String(holder.id)} from ${String(holder.host)}` : 'another connection';
    throw new EventloomError(
      `Migration ${migration.version} (${migration.name}) must run while no publisher does, but ${lock.holder} ` +
        `(lock '${lock.name}', held by ${who}) kept running for over ${timeoutSeconds} s. ` +
        'Stop every service instance that publishes from these tables, run the migration, then start the new release.',
    );
  }
  try {
    await work();
  } finally {
    await connection.query('SELECT RELEASE_LOCK(?)', [lock.name]).catch(() => undefined);
  }
}

/** Runs `work` on a connection to `target` (a URL: its own connection, ended after; a pool: one of its connections). */
export async function onConnection<T>(target: string | Pool, options: Pick<PoolSettings, 'connectionOptions' | 'connectTimeoutMs'>, work: (connection: Connection) => Promise<T>): Promise<T> {
  if (typeof target === 'string') {
    const where = parseMySqlUrl(target);
    let connection: Connection;
    try {
      connection = await createConnection(connectionOptionsFor(where, options));
    } catch (error) {
      throw connectionFailure(error, where) ?? error;
    }
    try {
      return await work(connection);
    } finally {
      await connection.end();
    }
  }
  const connection: PoolConnection = await target.getConnection();
  try {
    return await work(connection);
  } finally {
    connection.release();
  }
}

/** The schema version in the database: 0 when the tables were never created. */
export async function schemaVersion(queryable: Pick<Pool, 'query'>, tables: TableNames): Promise<number> {
  try {
    const [[row]] = await queryable.query<RowDataPacket[]>(`SELECT MAX(version) AS version FROM ${tables.migrations}`);
    return Number(row?.version ?? 0);
  } catch (error) {
    if (errorCode(error) === 'ER_NO_SUCH_TABLE') return 0;
    throw error;
  }
}
