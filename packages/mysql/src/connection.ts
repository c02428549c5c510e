import { Connection, ConnectionOptions, createConnection, createPool, Pool, PoolOptions } from 'mysql2/promise';
import { backoffDelay, positiveInteger, sleep } from '@eventloom/core/spi';
import { MySqlConfigError, MySqlDatabaseMissingError, MySqlUnreachableError } from './errors';

export const MYSQL_URL_ENV = 'EVENTLOOM_MYSQL_URL';

/** Where a `mysql://user:password@host:port/database` URL points. */
export interface MySqlTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database?: string;
}

export interface PoolSettings {
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Bound on one connection attempt (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** Other mysql2 connection options (ssl, socketPath, ...); they win over the URL. */
  readonly connectionOptions?: ConnectionOptions;
}

/** The URL given, else $EVENTLOOM_MYSQL_URL. */
export function resolveMySqlUrl(url?: string): string {
  const resolved = url ?? process.env[MYSQL_URL_ENV];
  if (!resolved) {
    throw new MySqlConfigError(
      `No MySQL URL: pass { url: 'mysql://user:password@host:3306/database' } or set ${MYSQL_URL_ENV}.`,
    );
  }
  return resolved;
}

export function parseMySqlUrl(url: string): MySqlTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MySqlConfigError(`Invalid MySQL URL '${redactUrl(url)}': expected mysql://user:password@host:3306/database.`);
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new MySqlConfigError(`Invalid MySQL URL '${redactUrl(url)}': the scheme must be mysql:// (or mariadb://).`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'root',
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: database || undefined,
  };
}

/** The URL with its password masked, fit for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

/**
 * Session settings every Eventloom connection relies on: UTC so a Date
 * survives the DATETIME round trip whatever the process time zone, and
 * utf8mb4 so any event text fits.
 */
export function connectionOptionsFor(
  target: MySqlTarget,
  settings: Pick<PoolSettings, 'connectTimeoutMs' | 'connectionOptions'> = {},
): ConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectTimeout: settings.connectTimeoutMs ?? 10_000,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    dateStrings: false,
    // BIGINTs beyond 2^53 arrive as exact strings (safeInteger then refuses them, naming the stored value), never rounded.
    supportBigNumbers: true,
    ...settings.connectionOptions,
  };
}

export function poolOptionsFor(target: MySqlTarget, settings: PoolSettings = {}): PoolOptions {
  const poolSize = positiveInteger('poolSize', settings.poolSize ?? 10, MySqlConfigError);
  return { ...connectionOptionsFor(target, settings), connectionLimit: poolSize, enableKeepAlive: true };
}

export function createMySqlPool(url: string, settings: PoolSettings = {}): Pool {
  return createPool(poolOptionsFor(parseMySqlUrl(url), settings));
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET']);

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Turns a failure to connect into an error that names the server; returns
 * undefined for anything else (the caller keeps the original error).
 */
export function connectionFailure(error: unknown, target: MySqlTarget): Error | undefined {
  const code = errorCode(error);
  if (code && CONNECT_FAILURES.has(code)) {
    return new MySqlUnreachableError(target.host, target.port, code, { cause: error });
  }
  if (code === 'ER_BAD_DB_ERROR' && target.database) {
    return new MySqlDatabaseMissingError(target.database, target.host, target.port, { cause: error });
  }
  return undefined;
}

/**
 * Waits until the server accepts a connection, retrying with backoff for
 * at most `timeoutMs`; containers often start the service before the database.
 * Fails at once on errors retrying cannot fix (bad password, missing database).
 */
export async function waitForMySql(
  target: MySqlTarget,
  timeoutMs: number,
  settings: Pick<PoolSettings, 'connectionOptions'> = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - Date.now();
    try {
      const connection = await createConnection({
        ...connectionOptionsFor(target, settings),
        connectTimeout: Math.max(250, remaining),
      });
      await connection.end();
      return;
    } catch (error) {
      const failure = connectionFailure(error, target);
      if (!(failure instanceof MySqlUnreachableError)) throw failure ?? error;
      if (Date.now() >= deadline) {
        throw new MySqlUnreachableError(target.host, target.port, `${errorCode(error)}, gave up after ${timeoutMs} ms`, {
          cause: error,
        });
      }
      await sleep(Math.min(deadline - Date.now(), backoffDelay(attempt, { initialDelayMs: 100, maxDelayMs: 2_000 }) + 50));
    }
  }
}

const DATABASE_NAME = /^[A-Za-z0-9_$-]{1,64}$/;

/** Creates the URL's database (utf8mb4) unless it exists. Resolves true when it created it. */
export async function createDatabaseIfMissing(url: string, settings: Pick<PoolSettings, 'connectTimeoutMs' | 'connectionOptions'> = {}): Promise<boolean> {
  const target = parseMySqlUrl(url);
  const database = target.database;
  if (!database || !DATABASE_NAME.test(database)) {
    throw new MySqlConfigError(
      `createDatabaseIfMissing needs a database name of letters, digits, '_', '$' or '-' in the URL path, got '${database ?? ''}'.`,
    );
  }
  let connection;
  try {
    connection = await createConnection(connectionOptionsFor({ ...target, database: undefined }, settings));
  } catch (error) {
    throw connectionFailure(error, target) ?? error;
  }
  try {
    const [rows] = await connection.execute('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
    if ((rows as unknown[]).length > 0) return false;
    // Identifiers cannot be parameters; the name was checked against DATABASE_NAME above.
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    return true;
  } finally {
    await connection.end();
  }
}

/** Where to reach MySQL: a connection URL, or a pool the service already has (e.g. `store.pool`). */
export type MySqlSource = { readonly mysqlUrl: string; readonly pool?: undefined } | { readonly pool: Pool; readonly mysqlUrl?: undefined };

/** A pool, and a way to get a connection outside its rotation. */
export interface MySqlHandle {
  readonly pool: Pool;
  /** A connection of its own, outside the pool's rotation (e.g. to hold a named lock); destroy it when done. */
  dedicated(): Promise<Connection>;
  /** Closes the pool if this handle created it. */
  close(): Promise<void>;
}

/** Opens a MySqlSource: a pool of `poolSize` from a URL (closed by close()), or the caller's pool (left open). */
export function openMySql(source: MySqlSource, poolSize = 4): MySqlHandle {
  if (source.pool) {
    const pool = source.pool;
    return {
      pool,
      // A pool connection that is destroyed (never released) leaves the pool for good.
      dedicated: async () => (await pool.getConnection()) as unknown as Connection,
      close: async () => {},
    };
  }
  if (!source.mysqlUrl) throw new MySqlConfigError('Give either mysqlUrl or pool.');
  const target = parseMySqlUrl(source.mysqlUrl);
  const pool = createPool(poolOptionsFor(target, { poolSize }));
  let closing: Promise<void> | undefined;
  return {
    pool,
    dedicated: () => createConnection(connectionOptionsFor(target)),
    close: () => (closing ??= pool.end()),
  };
}
