import { Aggregate, Apply, CommandHandler, Event, EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';

@Event('PmTallied')
export class Tallied {
  constructor(readonly amount: number) {}
}

export class Tally {
  constructor(readonly amount: number) {}
}

/** A counter; each Tally command adds its amount. */
@Aggregate('PmTally')
export class Tallies {
  total = 0;

  @CommandHandler(Tally)
  tally(command: Tally) {
    if (Number.isNaN(command.amount)) throw new Error('the amount is not a number');
    return new Tallied(command.amount);
  }

  @Apply(Tallied)
  tallied(event: Tallied) {
    this.total += event.amount;
  }
}

/** Counts the events it handled; a negative amount is poison (its handler always throws). */
@EventSubscriber('pm-tally-view')
export class TallyView {
  handled = 0;

  @EventHandlerMethod(Tallied)
  async tallied(context: EventContext<Tallied>): Promise<void> {
    if (context.event.amount < 0) throw new Error(`a negative amount (${context.event.amount}) cannot be tallied`);
    this.handled++;
  }
}
