import { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { errorCode } from '../connection';
import { MySqlSchemaMissingError } from '../errors';
import { MySqlEventStore } from '../mysql-event-store';
import { tableNames } from '../schema/table-names';

/** What identifies one delivery: an EventContext has both. */
export interface ProcessedEventKey {
  readonly subscriberId: string;
  readonly eventId: string;
}

export interface ProcessedEventOptions {
  readonly tablePrefix?: string;
}

/** 'duplicate': the subscriber had already handled this event, so the handler did not run. */
export type ViewUpdateOutcome = 'handled' | 'duplicate';

/**
 * Runs `handler` in a transaction that also records (subscriber, event) in
 * received_events, so a view's change and its dedup record commit together:
 * a redelivered event finds the record and changes nothing, and a handler
 * that throws rolls back both.
 */
export async function withProcessedEvent(
  pool: Pool,
  key: ProcessedEventKey & ProcessedEventOptions,
  handler: (tx: PoolConnection) => Promise<void>,
): Promise<ViewUpdateOutcome> {
  const tables = tableNames(key.tablePrefix ?? '');
  const tx = await pool.getConnection();
  let settled = false;
  try {
    await tx.query('START TRANSACTION');
    try {
      // First, so that a concurrent redelivery waits on this row's lock and then sees the duplicate.
      await tx.execute(`INSERT INTO ${tables.receivedEvents} (subscriber_id, event_id) VALUES (?, ?)`, [key.subscriberId, key.eventId]);
    } catch (error) {
      if (errorCode(error) === 'ER_NO_SUCH_TABLE') throw await schemaMissing(tx, tables.prefix, error);
      if (errorCode(error) !== 'ER_DUP_ENTRY') throw error;
      await tx.rollback();
      settled = true;
      return 'duplicate';
    }
    await handler(tx);
    await tx.commit();
    settled = true;
    return 'handled';
  } finally {
    if (settled) {
      tx.release();
    } else {
      await tx.rollback().then(
        () => tx.release(),
        () => tx.destroy(),
      );
    }
  }
}

async function schemaMissing(tx: PoolConnection, prefix: string, error: unknown): Promise<MySqlSchemaMissingError> {
  const [[row]] = await tx.query<RowDataPacket[]>('SELECT DATABASE() AS name').catch(() => [[{ name: '' }]] as never);
  return new MySqlSchemaMissingError(String(row?.name ?? ''), prefix, `table ${prefix}received_events is missing`, { cause: error });
}

/**
 * Exactly-once updates of CQRS views kept in MySQL, for subscriber methods:
 * `await this.views.once(ctx, async (tx) => { await tx.execute('INSERT ...', [...]); })`.
 */
export class MySqlViews {
  private readonly tablePrefix: string;

  constructor(
    readonly pool: Pool,
    options: ProcessedEventOptions = {},
  ) {
    this.tablePrefix = tableNames(options.tablePrefix ?? '').prefix;
  }

  once(context: ProcessedEventKey, handler: (tx: PoolConnection) => Promise<void>): Promise<ViewUpdateOutcome> {
    return withProcessedEvent(this.pool, { subscriberId: context.subscriberId, eventId: context.eventId, tablePrefix: this.tablePrefix }, handler);
  }
}

/** Views over the store's pool and table prefix, or over a pool of your own. */
export function mysqlViews(source: MySqlEventStore | Pool, options: ProcessedEventOptions = {}): MySqlViews {
  if (source instanceof MySqlEventStore) {
    return new MySqlViews(source.pool, { tablePrefix: options.tablePrefix ?? source.tables.prefix });
  }
  return new MySqlViews(source, options);
}
