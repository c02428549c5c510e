import { Pool, PoolConnection } from 'mysql2/promise';
import type { DeliveryBatch } from '@eventloom/core';
import { errorCode } from '../connection';
import { MySqlEventStore } from '../mysql-event-store';
import { TableNames, tableNames } from '../schema/table-names';
import { MySqlViewBatch, schemaMissing, supportsCompoundStatements } from './view-batch';
import { RecordedEvents } from './recorded-events';

/** What identifies one delivery: an EventContext has both. */
export interface ProcessedEventKey {
  readonly subscriberId: string;
  readonly eventId: string;
}

/** What `once` reads of an EventContext: the delivery, and the batch it is part of, if any. */
export interface ViewUpdateContext extends ProcessedEventKey {
  readonly batch?: DeliveryBatch;
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


/**
 * Exactly-once updates of CQRS views kept in MySQL, for subscriber methods:
 * `await this.views.once(ctx, async (tx) => { await tx.execute('INSERT ...', [...]); })`.
 * For a subscriber declared with `batch`, the changes of a whole run of events
 * share one transaction (and its dedup records one INSERT): the same handler
 * code, one COMMIT per run.
 */
export class MySqlViews {
  private readonly tables: TableNames;
  private readonly recorded: RecordedEvents;
  private compound?: Promise<boolean>;

  constructor(
    readonly pool: Pool,
    options: ProcessedEventOptions = {},
  ) {
    this.tables = tableNames(options.tablePrefix ?? '');
    this.recorded = new RecordedEvents(this.tables.receivedEvents);
  }

  /**
   * Runs `handler` unless this subscriber already handled the event, in a
   * transaction that records it as handled: the event's own, or, when the
   * event is part of a batch (`ctx.batch`), the run's one transaction.
   */
  async once(context: ViewUpdateContext, handler: (tx: PoolConnection) => Promise<void>): Promise<ViewUpdateOutcome> {
    const { batch } = context;
    if (!batch) {
      return withProcessedEvent(this.pool, { subscriberId: context.subscriberId, eventId: context.eventId, tablePrefix: this.tables.prefix }, handler);
    }
    const run = await this.run(context, batch);
    if (run.isDuplicate(context.eventId)) return 'duplicate';
    await run.apply(context.eventId, handler);
    return 'handled';
  }

  /**
   * `once` for a change that is one statement whose answer the handler does
   * not need: `await this.views.write(ctx, 'UPDATE ... WHERE id = ?', [id])`.
   * In a batch it is queued, and the run's queued changes go to the server
   * together (one round trip on MariaDB) before the next `once` handler and
   * before COMMIT; out of a batch it is `once` with that one statement. The
   * values are bound with mysql2's escaping, as by `query`.
   */
  async write(context: ViewUpdateContext, sql: string, values: unknown[] = []): Promise<ViewUpdateOutcome> {
    const { batch } = context;
    if (!batch) return this.once(context, async (tx) => void (await tx.execute(sql, values as never[])));
    const run = await this.run(context, batch);
    if (run.isDuplicate(context.eventId)) return 'duplicate';
    run.queue(context.eventId, sql, values);
    return 'handled';
  }

  private run(context: ViewUpdateContext, batch: DeliveryBatch): Promise<MySqlViewBatch> {
    return batch.join(this, () =>
      MySqlViewBatch.open(this.pool, this.tables, context.subscriberId, batch.eventIds, (tx) => {
        this.compound ??= supportsCompoundStatements(tx);
        this.compound.catch(() => (this.compound = undefined));
        return this.compound;
      }, this.recorded),
    );
  }
}

/** Views over the store's pool and table prefix, or over a pool of your own. */
export function mysqlViews(source: MySqlEventStore | Pool, options: ProcessedEventOptions = {}): MySqlViews {
  if (source instanceof MySqlEventStore) {
    return new MySqlViews(source.pool, { tablePrefix: options.tablePrefix ?? source.tables.prefix });
  }
  return new MySqlViews(source, options);
}
