// packages/core/README.md: snapshot strategies, on the aggregate or per repository. Run by core-readme.unit.spec.ts.
import {
  afterEvents,
  Aggregate,
  AggregateRepository,
  Apply,
  CommandHandler,
  Event,
  whenLoadTakesLongerThan,
} from '@eventloom/core';
import { EventStore } from '@eventloom/core/spi';

@Event('CounterIncremented', { aggregateType: 'Counter' })
export class CounterIncremented {}

export class Increment {}

// #region snapshot-aggregate
@Aggregate('Counter', { snapshots: afterEvents(100) })   // a snapshot every 100 events
export class Counter {
  count = 0;

  @CommandHandler(Increment)
  increment(_command: Increment) {
    return new CounterIncremented();
  }

  @Apply(CounterIncremented)
  incremented(_event: CounterIncremented) {
    this.count++;
  }
}
// #endregion snapshot-aggregate

export function snapshotRepository(eventStore: EventStore) {
  // #region snapshot-repository
  const repository = new AggregateRepository(eventStore, {
    // Per aggregate type, overriding @Aggregate's; strategies compose with or().
    snapshots: { Counter: afterEvents(3).or(whenLoadTakesLongerThan(50)) },
  });
  // #endregion snapshot-repository
  return repository;
}
