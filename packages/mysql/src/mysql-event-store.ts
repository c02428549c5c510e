import { createPool, Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { DuplicateAggregateError, EventloomError, EventTooLargeError, OptimisticConcurrencyError, TransientStoreError } from '@eventloom/core';
import { AggregateStream, AppendRequest, EventStore, LoadOptions, Snapshot, StoredEvent } from '@eventloom/core/spi';
import {
  connectionFailure,
  errorCode,
  MySqlTarget,
  parseMySqlUrl,
  poolOptionsFor,
  PoolSettings,
  redactUrl,
  resolveMySqlUrl,
  waitForMySql,
} from './connection';
import { MySqlConnectionLostError, MySqlSchemaMissingError } from './errors';
import {
  chunkRows,
  EVENT_COLUMNS,
  EVENT_PLACEHOLDERS,
  EventRow,
  EventValues,
  eventValues,
  SqlValue,
  INSERT_EVENT_COLUMNS,
  eventFromRow,
} from './event-rows';
import { SCHEMA_VERSION, schemaVersion } from './schema/migrations';
import { TableNames, tableNames } from './schema/table-names';

export interface MySqlEventStoreOptions extends PoolSettings {
  /** mysql://user:password@host:3306/database; default $EVENTLOOM_MYSQL_URL. */
  readonly url?: string;
  /** Prefix of every table name, for services sharing one database (letters, digits, '_'). */
  readonly tablePrefix?: string;
  /** Largest event (data plus metadata, UTF-8 bytes) an append accepts; default 1 MiB. */
  readonly maxEventBytes?: number;
}

export interface ReadyOptions {
  /** How long to keep retrying the connection (default 30 000 ms). */
  readonly timeoutMs?: number;
}

const MIB = 1024 * 1024;
/** Payload per multi-row INSERT, well under MariaDB's 16 MiB default max_allowed_packet. */
const STATEMENT_BYTES = 4 * MIB;

type AppendStage = 'begin' | 'entity' | 'events' | 'snapshot' | 'commit';

interface LoadRow extends EventRow {
  already_triggered?: number;
}

interface SnapshotRow extends RowDataPacket {
  entity_version: number;
  snapshot_type: string;
  snapshot_json: string;
  snapshot_schema_version: number;
  already_triggered?: number;
}

/**
 * The event store on MySQL/MariaDB. An aggregate's current version lives in
 * `entities`; an append moves it with a compare-and-set UPDATE inside the
 * transaction that inserts the events, so of two racing appends exactly one
 * commits and the other sees 0 rows changed.
 */
export class MySqlEventStore implements EventStore {
  readonly pool: Pool;
  readonly tables: TableNames;
  readonly target: MySqlTarget;
  /** The URL with its password masked. */
  readonly url: string;
  private readonly maxEventBytes: number;
  private readonly poolSettings: PoolSettings;
  private readonly sql: ReturnType<typeof statements>;
  private readonly insertEventsSql = new Map<number, string>();
  private closing?: Promise<void>;

  constructor(options: MySqlEventStoreOptions = {}) {
    const url = resolveMySqlUrl(options.url);
    this.tables = tableNames(options.tablePrefix ?? '');
    this.target = parseMySqlUrl(url);
    this.url = redactUrl(url);
    this.maxEventBytes = options.maxEventBytes ?? MIB;
    if (!Number.isInteger(this.maxEventBytes) || this.maxEventBytes < 1) {
      throw new EventloomError(`maxEventBytes must be a positive integer, got ${options.maxEventBytes}.`);
    }
    this.sql = statements(this.tables);
    this.poolSettings = options;
    this.pool = createPool(poolOptionsFor(this.target, options));
  }

  /**
   * Waits (bounded) until the server answers, then checks that the schema is
   * migrated. Call at start-up for a clear error instead of one on first use.
   */
  async ready(options: ReadyOptions = {}): Promise<void> {
    await waitForMySql(this.target, options.timeoutMs ?? 30_000, this.poolSettings);
    const version = await schemaVersion(this.pool, this.tables).catch((error: unknown) => {
      throw this.failure(error);
    });
    if (version < SCHEMA_VERSION) {
      throw new MySqlSchemaMissingError(
        this.target.database ?? '',
        this.tables.prefix,
        version === 0 ? 'its tables do not exist' : `it is at version ${version}, this package needs ${SCHEMA_VERSION}`,
      );
    }
  }

  async load(aggregateType: string, aggregateId: string, options: LoadOptions = {}): Promise<AggregateStream | undefined> {
    const trigger = options.triggeringEventId;
    // One statement, so one consistent read: the events after the latest
    // snapshot and (when asked) the triggering-event check, which thus sees no
    // append the events missed. The snapshot is read on its own, by primary
    // key, only when there is one: joining it in cost a third of every load.
    // Snapshots are immutable, so that second read cannot disagree with the first.
    const [rows] = await this.query<LoadRow[]>(
      trigger ? this.sql.loadTriggered : this.sql.load,
      trigger
        ? [aggregateType, aggregateId, trigger, aggregateType, aggregateId, aggregateType, aggregateId]
        : [aggregateType, aggregateId, aggregateType, aggregateId],
    );
    if (rows.length === 0) return this.loadSnapshotOnly(aggregateType, aggregateId, trigger);
    const first = rows[0];
    const events = rows.map((row) => eventFromRow(row, { type: aggregateType, id: aggregateId }));
    const snapshotVersion = events[0].version - 1;
    let snapshot: AggregateStream['snapshot'];
    if (snapshotVersion > 0) {
      const [found] = await this.query<SnapshotRow[]>(this.sql.snapshotAt, [aggregateType, aggregateId, snapshotVersion]);
      if (found.length === 0) {
        throw new EventloomError(
          `${aggregateType} '${aggregateId}': its events start at version ${events[0].version} with no snapshot at ${snapshotVersion}; the events table is damaged.`,
        );
      }
      snapshot = snapshotFromRow(aggregateType, aggregateId, found[0]);
    }
    return {
      version: events[events.length - 1].version,
      snapshot,
      events,
      alreadyTriggeredBy: trigger ? Number(first.already_triggered) === 1 : undefined,
    };
  }

  /** The aggregate's latest snapshot is at its current version (a snapshot was taken by the last append), or it does not exist. */
  private async loadSnapshotOnly(aggregateType: string, aggregateId: string, trigger?: string): Promise<AggregateStream | undefined> {
    const [rows] = await this.query<SnapshotRow[]>(
      trigger ? this.sql.latestSnapshotTriggered : this.sql.latestSnapshot,
      trigger ? [aggregateType, aggregateId, trigger, aggregateType, aggregateId] : [aggregateType, aggregateId],
    );
    if (rows.length === 0) return undefined;
    const [row] = rows;
    return {
      version: row.entity_version,
      snapshot: snapshotFromRow(aggregateType, aggregateId, row),
      events: [],
      alreadyTriggeredBy: trigger ? Number(row.already_triggered) === 1 : undefined,
    };
  }

  async readStream(aggregateType: string, aggregateId: string): Promise<StoredEvent[]> {
    const [rows] = await this.query<EventRow[]>(this.sql.readStream, [aggregateType, aggregateId]);
    return rows.map((row) => eventFromRow(row, { type: aggregateType, id: aggregateId }));
  }

  async append(request: AppendRequest): Promise<void> {
    const rows = this.validate(request);
    const { aggregateType, aggregateId, expectedVersion, snapshot } = request;
    const versionAfter = expectedVersion + rows.length;
    const connection = await this.pool.getConnection().catch((error: unknown) => {
      throw this.failure(error);
    });
    let stage: AppendStage = 'begin';
    try {
      await connection.query('START TRANSACTION');
      stage = 'entity';
      if (expectedVersion === 0) {
        await connection.execute(this.sql.insertEntity, [aggregateType, aggregateId, versionAfter]);
      } else {
        const [result] = await connection.execute<ResultSetHeader>(this.sql.updateEntity, [versionAfter, aggregateType, aggregateId, expectedVersion]);
        if (result.affectedRows !== 1) throw new OptimisticConcurrencyError(aggregateType, aggregateId, expectedVersion);
      }
      stage = 'events';
      for (const chunk of chunkRows(rows, STATEMENT_BYTES)) {
        await connection.execute(this.insertEvents(chunk.length), chunk.flatMap((row) => row.values));
      }
      if (snapshot) {
        stage = 'snapshot';
        await connection.execute(this.sql.insertSnapshot, [
          snapshot.aggregateType,
          snapshot.aggregateId,
          snapshot.version,
          snapshot.snapshotType,
          snapshot.snapshotJson,
          snapshot.schemaVersion ?? 1,
        ]);
      }
      stage = 'commit';
      await connection.commit();
    } catch (error) {
      await abandon(connection, error);
      throw await this.appendFailure(error, request, stage);
    }
    connection.release();
  }

  /** One round trip to the database, for readiness; an outage rejects with MySqlUnreachableError naming host:port. */
  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  async close(): Promise<void> {
    this.closing ??= this.pool.end();
    await this.closing;
  }

  private validate(request: AppendRequest): EventValues[] {
    const { aggregateType, aggregateId, expectedVersion, events } = request;
    const where = `append to ${aggregateType} '${aggregateId}'`;
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new EventloomError(`${where}: expectedVersion must be an integer >= 0, got ${expectedVersion}.`);
    }
    if (events.length === 0) throw new EventloomError(`${where}: no events to append.`);
    const { snapshot } = request;
    // load() finds a snapshot through the event right after it, so it must sit inside this append's versions.
    if (
      snapshot &&
      (snapshot.aggregateType !== aggregateType ||
        snapshot.aggregateId !== aggregateId ||
        snapshot.version <= expectedVersion ||
        snapshot.version > expectedVersion + events.length)
    ) {
      throw new EventloomError(
        `${where}: the snapshot (${snapshot.aggregateType} '${snapshot.aggregateId}' at version ${snapshot.version}) must be of this aggregate, at a version this append writes.`,
      );
    }
    return events.map((event, i) => {
      if (event.version !== expectedVersion + i + 1) {
        throw new EventloomError(`${where}: event ${i} has version ${event.version}, expected ${expectedVersion + i + 1}.`);
      }
      if (event.aggregateType !== aggregateType || event.aggregateId !== aggregateId) {
        throw new EventloomError(`${where}: event ${i} belongs to ${event.aggregateType} '${event.aggregateId}'.`);
      }
      return eventValues(event, this.maxEventBytes);
    });
  }

  private insertEvents(count: number): string {
    let sql = this.insertEventsSql.get(count);
    if (!sql) {
      sql = `INSERT INTO ${this.tables.events} ${INSERT_EVENT_COLUMNS} VALUES ${Array(count).fill(EVENT_PLACEHOLDERS).join(', ')}`;
      this.insertEventsSql.set(count, sql);
    }
    return sql;
  }

  private async query<T extends RowDataPacket[]>(sql: string, values: SqlValue[]): Promise<[T, unknown]> {
    try {
      return await this.pool.execute<T>(sql, values);
    } catch (error) {
      throw this.failure(error);
    }
  }

  private async appendFailure(error: unknown, request: AppendRequest, stage: AppendStage): Promise<unknown> {
    if (error instanceof EventloomError) return error;
    const { aggregateType, aggregateId, expectedVersion } = request;
    switch (errorCode(error)) {
      case 'ER_DUP_ENTRY':
        if (stage === 'entity') return new DuplicateAggregateError(aggregateType, aggregateId);
        if (stage === 'events' && /uq_events_event_id/.test(String((error as Error).message))) {
          return new EventloomError(`${aggregateType} '${aggregateId}': one of the events has an id that is already stored.`, { cause: error });
        }
        // Versions taken behind the entities row's back (or a second snapshot at one version): still a lost race.
        return new OptimisticConcurrencyError(aggregateType, aggregateId, expectedVersion);
      case 'ER_LOCK_DEADLOCK':
        return new TransientStoreError(aggregateType, aggregateId, 'a MySQL deadlock', { cause: error });
      case 'ER_LOCK_WAIT_TIMEOUT':
        return new TransientStoreError(aggregateType, aggregateId, 'a MySQL lock-wait timeout', { cause: error });
      case 'ER_NET_PACKET_TOO_LARGE': {
        const largest = request.events.reduce((a, b) => (a.eventData.length >= b.eventData.length ? a : b));
        const bytes = Buffer.byteLength(largest.eventData) + Buffer.byteLength(JSON.stringify(largest.metadata));
        const limit = await this.serverPacketLimit();
        return new EventTooLargeError(largest.eventType, bytes, Math.min(limit ?? this.maxEventBytes, this.maxEventBytes));
      }
      default:
        // mysql2 marks connection-level failures fatal (lost, killed, reset, or noticed closed before a statement was sent).
        if ((error as { fatal?: boolean }).fatal || errorCode(error) === 'ER_CONNECTION_KILLED') {
          return new MySqlConnectionLostError(aggregateType, aggregateId, stage === 'commit', { cause: error });
        }
        return this.failure(error);
    }
  }

  private async serverPacketLimit(): Promise<number | undefined> {
    try {
      const [[row]] = await this.pool.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS max');
      return Number(row.max);
    } catch {
      return undefined;
    }
  }

  /** Errors any statement can meet, translated into ones that say what to do. */
  private failure(error: unknown): unknown {
    const connection = connectionFailure(error, this.target);
    if (connection) return connection;
    const code = errorCode(error);
    if (code === 'ER_NO_SUCH_TABLE' || code === 'ER_BAD_FIELD_ERROR') {
      const detail = code === 'ER_NO_SUCH_TABLE' ? 'a table is missing' : 'a column is missing';
      return new MySqlSchemaMissingError(this.target.database ?? '', this.tables.prefix, `${detail} (${(error as Error).message})`, {
        cause: error,
      });
    }
    return error;
  }
}

/** Reads the URL from $EVENTLOOM_MYSQL_URL unless given. */
export function mysqlEventStore(options: MySqlEventStoreOptions = {}): MySqlEventStore {
  return new MySqlEventStore(options);
}

/** Ends a failed transaction; a connection in an unknown state is closed, never returned to the pool. */
function snapshotFromRow(aggregateType: string, aggregateId: string, row: SnapshotRow): Snapshot {
  return {
    aggregateType,
    aggregateId,
    version: Number(row.entity_version),
    snapshotType: row.snapshot_type,
    snapshotJson: row.snapshot_json,
    schemaVersion: Number(row.snapshot_schema_version),
  };
}

async function abandon(connection: PoolConnection, error: unknown): Promise<void> {
  if ((error as { fatal?: boolean } | null)?.fatal) {
    connection.destroy();
    return;
  }
  try {
    await connection.rollback();
    connection.release();
  } catch {
    connection.destroy();
  }
}

const SNAPSHOT_COLUMNS = 'entity_version, snapshot_type, snapshot_json, snapshot_schema_version';

function statements(t: TableNames) {
  const triggered = `EXISTS(SELECT 1 FROM ${t.events} t WHERE t.entity_type = ? AND t.entity_id = ? AND t.triggering_event = ?) AS already_triggered`;
  const load = (withTrigger: boolean) =>
    `SELECT ${EVENT_COLUMNS}${withTrigger ? `, ${triggered}` : ''}
     FROM ${t.events}
     WHERE entity_type = ? AND entity_id = ?
       AND entity_version > (SELECT COALESCE(MAX(entity_version), 0) FROM ${t.snapshots} WHERE entity_type = ? AND entity_id = ?)
     ORDER BY entity_version`;
  const latestSnapshot = (withTrigger: boolean) =>
    `SELECT ${SNAPSHOT_COLUMNS}${withTrigger ? `, ${triggered}` : ''}
     FROM ${t.snapshots} WHERE entity_type = ? AND entity_id = ? ORDER BY entity_version DESC LIMIT 1`;
  return {
    load: load(false),
    loadTriggered: load(true),
    latestSnapshot: latestSnapshot(false),
    latestSnapshotTriggered: latestSnapshot(true),
    snapshotAt: `SELECT ${SNAPSHOT_COLUMNS} FROM ${t.snapshots} WHERE entity_type = ? AND entity_id = ? AND entity_version = ?`,
    readStream: `SELECT ${EVENT_COLUMNS} FROM ${t.events} WHERE entity_type = ? AND entity_id = ? ORDER BY entity_version`,
    insertEntity: `INSERT INTO ${t.entities} (entity_type, entity_id, entity_version) VALUES (?, ?, ?)`,
    updateEntity: `UPDATE ${t.entities} SET entity_version = ? WHERE entity_type = ? AND entity_id = ? AND entity_version = ?`,
    insertSnapshot: `INSERT INTO ${t.snapshots} (entity_type, entity_id, entity_version, snapshot_type, snapshot_json, snapshot_schema_version) VALUES (?, ?, ?, ?, ?, ?)`,
  };
}
