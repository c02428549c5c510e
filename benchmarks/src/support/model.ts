import 'reflect-metadata';
import { Aggregate, Apply, Event, CommandHandler } from '@eventloom/core';

/** The account the MySQL and Kafka benchmarks write: small JSON events, a balance folded from deposits. */
@Event('MySqlBenchAccountOpened', { aggregateType: 'MySqlBenchAccount' })
export class AccountOpened {
  constructor(readonly owner: string) {}
}
@Event('MySqlBenchDeposited', { aggregateType: 'MySqlBenchAccount' })
export class Deposited {
  constructor(readonly amount: number) {}
}
export class OpenAccount {
  /** `deposits`: that many Deposited events follow the opening, in the same append. */
  constructor(
    readonly owner: string,
    readonly deposits = 0,
  ) {}
}
export class Deposit {
  constructor(readonly amount: number) {}
}
/** One command, many events: builds long histories in few appends. */
export class DepositMany {
  constructor(
    readonly count: number,
    readonly amount = 1,
  ) {}
}

@Aggregate('MySqlBenchAccount')
export class Account {
  owner = '';
  balance = 0;
  @CommandHandler(OpenAccount) open(command: OpenAccount) {
    if (command.deposits === 0) return new AccountOpened(command.owner);
    return [new AccountOpened(command.owner), ...Array.from({ length: command.deposits }, () => new Deposited(1))];
  }
  @CommandHandler(Deposit) deposit(command: Deposit) {
    return new Deposited(command.amount);
  }
  @CommandHandler(DepositMany) depositMany(command: DepositMany) {
    return Array.from({ length: command.count }, () => new Deposited(command.amount));
  }
  @Apply(AccountOpened) opened(event: AccountOpened) {
    this.owner = event.owner;
  }
  @Apply(Deposited) deposited(event: Deposited) {
    this.balance += event.amount;
  }
}
