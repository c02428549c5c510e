// A small service for the CLI's tests, loaded with --service (in jest, or by a child process on the sources).
import { Pool, RowDataPacket } from 'mysql2/promise';
import { afterEvents, Aggregate, Apply, CommandHandler, Event, EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { defineService } from '@eventloom/cli';

@Event('CliAccountOpened')
export class AccountOpened {
  constructor(readonly owner: string) {}
}

@Event('CliDeposited')
export class Deposited {
  constructor(readonly amount: number) {}
}

export class OpenAccount {
  constructor(readonly owner: string) {}
}

export class Deposit {
  constructor(readonly amount: number) {}
}

@Aggregate('CliAccount', { snapshots: afterEvents(3) })
export class Account {
  owner = '';
  balance = 0;

  @CommandHandler(OpenAccount)
  open(command: OpenAccount) {
    return new AccountOpened(command.owner);
  }

  @CommandHandler(Deposit)
  deposit(command: Deposit) {
    return new Deposited(command.amount);
  }

  @Apply(AccountOpened)
  opened(event: AccountOpened) {
    this.owner = event.owner;
  }

  @Apply(Deposited)
  deposited(event: Deposited) {
    this.balance += event.amount;
  }
}

/**
 * A view in MySQL that records every call (cli_ledger_calls, to count
 * redeliveries) and every event once (cli_ledger). CLI_TEST_HANDLER_DELAY_MS
 * slows each call, so that a test can kill a replay halfway.
 */
@EventSubscriber('ledger')
export class Ledger {
  constructor(private readonly pool: Pool) {}

  @EventHandlerMethod(AccountOpened)
  async opened(ctx: EventContext<AccountOpened>) {
    await this.record(ctx, 0);
  }

  @EventHandlerMethod(Deposited)
  async deposited(ctx: EventContext<Deposited>) {
    await this.record(ctx, ctx.event.amount);
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

/** Refuses deposits of 13 until CLI_TEST_FIXED=1: a poison event to park, retry and discard. */
@EventSubscriber('picky')
export class Picky {
  readonly handled: string[] = [];

  @EventHandlerMethod(Deposited)
  async deposited(ctx: EventContext<Deposited>) {
    if (ctx.event.amount === 13 && process.env.CLI_TEST_FIXED !== '1') throw new Error('13 is unlucky');
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
  aggregates: [Account],
  subscribers: async ({ store }) => {
    await createLedgerTables(store.pool);
    return [new Ledger(store.pool), new Picky()];
  },
});
