import { Aggregate, Apply, Event, EventContext, EventHandlerMethod, EventSubscriber, CommandHandler } from '@eventloom/core';

@Event('RAccountOpened')
export class AccountOpened {
  constructor(readonly owner: string) {}
}

@Event('RDeposited')
export class Deposited {
  constructor(readonly amount: number) {}
}

export class OpenAccount {
  constructor(readonly owner: string) {}
}

export class Deposit {
  constructor(readonly amount: number) {}
}

@Aggregate('RAccount')
export class Account {
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
  opened() {}

  @Apply(Deposited)
  deposited(event: Deposited) {
    this.balance += event.amount;
  }
}

/** A view: balance per account. Counts an event it sees twice instead of applying it again. */
@EventSubscriber('balances')
export class BalancesView {
  readonly balances = new Map<string, number>();
  readonly applied = new Set<string>();
  repeats = 0;

  @EventHandlerMethod(AccountOpened)
  async opened(context: EventContext<AccountOpened>): Promise<void> {
    this.apply(context.eventId, context.aggregateId, 0);
  }

  @EventHandlerMethod(Deposited)
  async deposited(context: EventContext<Deposited>): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.apply(context.eventId, context.aggregateId, context.event.amount);
  }

  private apply(eventId: string, accountId: string, amount: number): void {
    if (this.applied.has(eventId)) {
      this.repeats++;
      return;
    }
    this.applied.add(eventId);
    this.balances.set(accountId, (this.balances.get(accountId) ?? 0) + amount);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.balances].sort(([a], [b]) => a.localeCompare(b)));
  }
}
