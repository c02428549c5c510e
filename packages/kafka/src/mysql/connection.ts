import mysql, { Connection, Pool, PoolOptions } from 'mysql2/promise';

/** Where to reach MySQL: a connection URL, or a pool the service already has. */
export type MySqlSource = { readonly mysqlUrl: string; readonly pool?: undefined } | { readonly pool: Pool; readonly mysqlUrl?: undefined };

/** Settings every Eventloom connection uses: UTC dates, big numbers as strings beyond 2^53. */
export const connectionDefaults: Partial<PoolOptions> = {
  timezone: 'Z',
  supportBigNumbers: true,
  dateStrings: false,
};

export interface MySqlHandle {
  readonly pool: Pool;
  /** A connection of its own, outside the pool's rotation (e.g. to hold a named lock). */
  dedicated(): Promise<Connection>;
  /** Closes the pool if this handle created it. */
  close(): Promise<void>;
}

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
  const url = source.mysqlUrl;
  const pool = mysql.createPool({ uri: url, connectionLimit: poolSize, ...connectionDefaults });
  return {
    pool,
    dedicated: () => mysql.createConnection({ uri: url, ...connectionDefaults }),
    close: () => pool.end(),
  };
}

/** Names of the tables under an optional prefix. */
export interface TableNames {
  readonly events: string;
  readonly parkedEvents: string;
  readonly rebuildMarks: string;
}

export function tableNames(prefix = ''): TableNames {
  return {
    events: `\`${prefix}events\``,
    parkedEvents: `\`${prefix}parked_events\``,
    rebuildMarks: `\`${prefix}rebuild_marks\``,
  };
}
