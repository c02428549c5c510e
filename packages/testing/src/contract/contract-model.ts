import { Aggregate, Apply, CommandRejectedError, Event, CommandHandler, Type, upcast } from '@eventloom/core';

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

/** Version 1 of ContractCounterScaled, stored under its old name 'ContractCounterMultiplied'. */
export interface CounterMultipliedV1 {
  factor: number;
}

/** At version 3, renamed: older stored versions are upcast on every read. */
@Event('ContractCounterScaled', {
  schemaVersion: 3,
  aliases: ['ContractCounterMultiplied'],
  upcasters: upcast<CounterMultipliedV1>()
    .to(2, (v1) => ({ factor: { value: v1.factor } }))
    .to(3, (v2) => ({ by: v2.factor, reason: 'unknown (stored before reasons)' })),
})
export class CounterScaled {
  @Type(() => Amount) readonly by: Amount;
  constructor(
    by: Amount,
    readonly reason: string,
  ) {
    this.by = by;
  }
}

export class OpenCounter {
  constructor(readonly start: number) {}
}
export class AddToCounter {
  constructor(readonly amount: number) {}
}
export class ScaleCounter {
  constructor(
    readonly factor: number,
    readonly reason: string,
  ) {}
}

@Aggregate('ContractCounter')
export class Counter {
  @Type(() => Amount) total = new Amount(0);
  additions = 0;
  reasons: string[] = [];

  @CommandHandler(OpenCounter)
  open(command: OpenCounter) {
    return new CounterOpened(new Amount(command.start));
  }

  @CommandHandler(AddToCounter)
  add(command: AddToCounter) {
    if (command.amount === 0) throw new CommandRejectedError('Adding zero changes nothing.');
    return new CounterAdded(new Amount(command.amount));
  }

  @CommandHandler(ScaleCounter)
  scale(command: ScaleCounter) {
    return new CounterScaled(new Amount(command.factor), command.reason);
  }

  @Apply(CounterOpened)
  opened(event: CounterOpened) {
    this.total = event.start;
  }

  @Apply(CounterScaled)
  scaled(event: CounterScaled) {
    this.total = new Amount(this.total.value * event.by.value);
    this.reasons.push(event.reason);
  }

  @Apply(CounterAdded)
  added(event: CounterAdded) {
    // Calls a method of the nested value object: proves it was revived as an Amount.
    this.total = this.total.plus(event.amount);
    this.additions++;
  }
}

/**
 * The same stream as Counter, as a later release sees it: its fields changed
 * (`sum`, not `total`), so its snapshots have version 2 and Counter's (version 1)
 * must never be revived into it.
 */
@Aggregate('ContractCounter', { snapshotVersion: 2 })
export class CounterWithSum {
  @Type(() => Amount) sum = new Amount(0);

  @CommandHandler(AddToCounter)
  add(command: AddToCounter) {
    return new CounterAdded(new Amount(command.amount));
  }

  @Apply(CounterOpened)
  opened(event: CounterOpened) {
    this.sum = event.start;
  }

  @Apply(CounterAdded)
  added(event: CounterAdded) {
    this.sum = this.sum.plus(event.amount);
  }

  @Apply(CounterScaled)
  scaled(event: CounterScaled) {
    this.sum = new Amount(this.sum.value * event.by.value);
  }
}
