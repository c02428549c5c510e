// A small service for the CLI's tests, loaded with --service (in jest, or by a child process on the sources),
// on the contract suite's Counter model.
import { Pool, RowDataPacket } from 'mysql2/promise';
import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { Counter, CounterAdded, CounterOpened } from '@eventloom/testing/contract';
import { defineService } from '@eventloom/cli';

/**
 * A view in MySQL that records every call (cli_ledger_calls, to count
 * redeliveries) and every event once (cli_ledger). CLI_TEST_HANDLER_DELAY_MS
 * slows each call, so that a test can kill a replay halfway.
 */
@EventSubscriber('ledger')
export class Ledger {
  constructor(private readonly pool: Pool) {}

  @EventHandlerMethod(CounterOpened)
  async opened(ctx: EventContext<CounterOpened>) {
    await this.record(ctx, ctx.event.start.value);
  }

  @EventHandlerMethod(CounterAdded)
  async added(ctx: EventContext<CounterAdded>) {
    await this.record(ctx, ctx.event.amount.value);
  }

  private async record(ctx: EventContext<object>, amount: number) {
    const delay = Number(process.env.CLI_TEST_HANDLER_DELAY_MS ?? 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    await this.pool.query('INSERT INTO cli_ledger_calls (event_id) VALUES (?)', [ctx.eventId]);
    await this.pool.query('INSERT IGNORE INTO cli_ledger (event_id, account_id, version, amount) VALUES (?, ?, ?, ?)', [
      ctx.eventId,
      ctx.aggregateId,
      ctx.version,
      amount,
    ]);
  }
}

/** Refuses additions of 13 until CLI_TEST_FIXED=1: a poison event to park, retry and discard. */
@EventSubscriber('picky')
export class Picky {
  readonly handled: string[] = [];

  @EventHandlerMethod(CounterAdded)
  async added(ctx: EventContext<CounterAdded>) {
    if (ctx.event.amount.value === 13 && process.env.CLI_TEST_FIXED !== '1') throw new Error('13 is unlucky');
    this.handled.push(ctx.eventId);
  }
}

export async function createLedgerTables(pool: Pool): Promise<void> {
  await pool.query(
    'CREATE TABLE IF NOT EXISTS cli_ledger (event_id VARCHAR(36) PRIMARY KEY, account_id VARCHAR(64) NOT NULL, version INT NOT NULL, amount INT NOT NULL)',
  );
  await pool.query('CREATE TABLE IF NOT EXISTS cli_ledger_calls (id BIGINT AUTO_INCREMENT PRIMARY KEY, event_id VARCHAR(36) NOT NULL)');
}

export async function ledgerCounts(pool: Pool): Promise<{ events: number; calls: number }> {
  const [[events]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM cli_ledger');
  const [[calls]] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM cli_ledger_calls');
  return { events: Number(events.n), calls: Number(calls.n) };
}

export default defineService({
  aggregates: [Counter],
  subscribers: async ({ store }) => {
    await createLedgerTables(store.pool);
    return [new Ledger(store.pool), new Picky()];
  },
});
