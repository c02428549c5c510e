import { Event, EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { AggregateStream, AppendRequest, EventStore, StoredEvent } from '@eventloom/core/spi';

@Event('KCounterAdded', { aggregateType: 'KCounter' })
export class CounterAdded {
  amount!: number;
  aggregate!: number;
}

@Event('KCounterRenamed', { aggregateType: 'KCounter' })
export class CounterRenamed {
  name!: string;
}

export interface Call {
  readonly eventId: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly position?: number;
}

/** Records every CounterAdded it handles; throws for aggregates listed in `poison`. */
@EventSubscriber('recorder')
export class Recorder {
  readonly calls: Call[] = [];
  readonly poison = new Set<string>();

  @EventHandlerMethod(CounterAdded)
  async added(context: EventContext<CounterAdded>): Promise<void> {
    if (this.poison.has(context.aggregateId)) throw new Error(`poison aggregate ${context.aggregateId}`);
    if (context.version % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    this.calls.push({ eventId: context.eventId, aggregateId: context.aggregateId, version: context.version, position: context.position });
  }
}

/** For an Eventloom whose subscribers never send commands. */
export const unusedEventStore: EventStore = {
  load: async (): Promise<AggregateStream | undefined> => {
    throw new Error('not used');
  },
  append: async (_request: AppendRequest): Promise<void> => {
    throw new Error('not used');
  },
  readStream: async (): Promise<StoredEvent[]> => [],
  close: async () => {},
};

/** Like Recorder, under its own subscriber id, for a transport that holds back after a park. */
@EventSubscriber('strict-recorder')
export class StrictRecorder {
  readonly calls: Call[] = [];
  readonly poison = new Set<string>();

  @EventHandlerMethod(CounterAdded)
  async added(context: EventContext<CounterAdded>): Promise<void> {
    if (this.poison.has(context.aggregateId)) throw new Error(`poison aggregate ${context.aggregateId}`);
    this.calls.push({ eventId: context.eventId, aggregateId: context.aggregateId, version: context.version, position: context.position });
  }
}
