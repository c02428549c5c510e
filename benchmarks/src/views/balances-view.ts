import { Pool } from 'mysql2/promise';
import { EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { MySqlViews } from '@eventloom/mysql';
import { AccountOpened, Deposited } from '../support/model';

/** The view both sides build: one row per account, its balance and number of deposits. */
export const BALANCES_DDL =
  'CREATE TABLE IF NOT EXISTS balances (account_id VARCHAR(64) PRIMARY KEY, owner VARCHAR(64) NOT NULL, balance BIGINT NOT NULL, deposits INT NOT NULL)';

/** The view changes, one statement per event: the same SQL for Eventloom and for the hand-written reference. */
export const viewChanges = {
  opened: { sql: 'INSERT INTO balances (account_id, owner, balance, deposits) VALUES (?, ?, 0, 0)', values: (accountId: string, owner: string) => [accountId, owner] },
  deposited: {
    sql: 'UPDATE balances SET balance = balance + ?, deposits = deposits + 1 WHERE account_id = ?',
    values: (accountId: string, amount: number) => [amount, accountId],
  },
};

export interface BalancesView {
  /** Events handled (the progress report counts them). */
  readonly handled: number;
}

/**
 * The view as a user writes it: per-event handlers, each change one statement. `write`: views.write(ctx, sql,
 * values) (queued in a batch, sent together); `once`: views.once(ctx, tx => tx.execute(sql, values)) (sent at once).
 * With `maxEvents`, runs of that many events share one transaction; without, each event has its own (as before).
 */
export function balancesView(views: MySqlViews, subscriberId: string, style: 'write' | 'once', maxEvents?: number): BalancesView {
  const change = (ctx: EventContext<object>, sql: string, values: unknown[]) =>
    style === 'write' ? views.write(ctx, sql, values) : views.once(ctx, async (tx) => void (await tx.execute(sql, values as never[])));

  @EventSubscriber(subscriberId, maxEvents ? { batch: { maxEvents } } : {})
  class Balances {
    handled = 0;

    @EventHandlerMethod(AccountOpened)
    async opened(ctx: EventContext<AccountOpened>) {
      await change(ctx, viewChanges.opened.sql, viewChanges.opened.values(ctx.aggregateId, ctx.event.owner));
      this.handled++;
    }

    @EventHandlerMethod(Deposited)
    async deposited(ctx: EventContext<Deposited>) {
      await change(ctx, viewChanges.deposited.sql, viewChanges.deposited.values(ctx.aggregateId, ctx.event.amount));
      this.handled++;
    }
  }
  return new Balances();
}

/** Checks that the view holds exactly the backlog: every account once, every deposit once. */
export async function checkView(pool: Pool, accounts: number, deposits: number): Promise<void> {
  const [rows] = await pool.query('SELECT COUNT(*) AS n, COALESCE(SUM(deposits), 0) AS d, COALESCE(SUM(balance), 0) AS b FROM balances');
  const row = (rows as Array<{ n: number; d: string; b: string }>)[0];
  if (Number(row.n) !== accounts || Number(row.d) !== deposits || Number(row.b) !== deposits) {
    throw new Error(`view check: ${row.n} accounts, ${row.d} deposits, balance ${row.b}; expected ${accounts}, ${deposits}, ${deposits}`);
  }
}
