import { Aggregate, Apply, CommandRejectedError, Event, CommandHandler, Type } from '@eventloom/core';

/** A tiny model used only by the contract suite. */
export class Amount {
  constructor(readonly value: number) {}
  plus(other: Amount): Amount {
    return new Amount(this.value + other.value);
  }
}

@Event('ContractCounterOpened')
export class CounterOpened {
  @Type(() => Amount) readonly start: Amount;
  constructor(start: Amount) {
    this.start = start;
  }
}

@Event('ContractCounterAdded')
export class CounterAdded {
  @Type(() => Amount) readonly amount: Amount;
  constructor(amount: Amount) {
    this.amount = amount;
  }
}

export class OpenCounter {
  constructor(readonly start: number) {}
}
export class AddToCounter {
  constructor(readonly amount: number) {}
}

@Aggregate('ContractCounter')
export class Counter {
  @Type(() => Amount) total = new Amount(0);
  additions = 0;

  @CommandHandler(OpenCounter)
  open(command: OpenCounter) {
    return new CounterOpened(new Amount(command.start));
  }

  @CommandHandler(AddToCounter)
  add(command: AddToCounter) {
    if (command.amount === 0) throw new CommandRejectedError('Adding zero changes nothing.');
    return new CounterAdded(new Amount(command.amount));
  }

  @Apply(CounterOpened)
  opened(event: CounterOpened) {
    this.total = event.start;
  }

  @Apply(CounterAdded)
  added(event: CounterAdded) {
    // Calls a method of the nested value object: proves it was revived as an Amount.
    this.total = this.total.plus(event.amount);
    this.additions++;
  }
}
