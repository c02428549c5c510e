import {
  Aggregate,
  Apply,
  CommandHandler,
  DuplicateSubscriberError,
  Event,
  EventContext,
  EventHandlerMethod,
  EventSubscriber,
  Eventloom,
  silentLogger,
} from '@eventloom/core';
import { InMemoryCheckpointStore, PublicationLogTransport } from '@eventloom/core/spi';
import { embeddedEventloom } from './embedded';
import { InMemoryEventStore } from './in-memory-event-store';
import { InMemoryDeadLetterStore } from './in-memory-dead-letter-store';

@Event('TransportTicked')
class Ticked {
  constructor(readonly n: number) {}
}
class Tick {
  constructor(readonly n: number) {}
}
@Aggregate('TransportClock')
class Clock {
  @CommandHandler(Tick) tick(command: Tick) {
    return new Ticked(command.n);
  }
  @Apply(Ticked) ticked(_event: Ticked) {}
}

const fast = { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 10 };

function recorder(id: string, fail: (ctx: EventContext<Ticked>) => boolean = () => false) {
  @EventSubscriber(id)
  class Recorder {
    readonly seen: Array<{ aggregateId: string; n: number; attempt: number }> = [];
    @EventHandlerMethod(Ticked)
    async onTicked(ctx: EventContext<Ticked>) {
      // Vary the time each event takes, so that ordering is really exercised.
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      if (fail(ctx)) throw new Error(`handler refused tick ${ctx.event.n}`);
      this.seen.push({ aggregateId: ctx.aggregateId, n: ctx.event.n, attempt: ctx.attempt });
    }
  }
  return new Recorder();
}

describe('in-memory subscriptions', () => {
  it('delivers the events of each aggregate in order, also events stored before subscribing', async () => {
    const loom = embeddedEventloom({ logger: silentLogger });
    const ids: string[] = [];
    for (let a = 0; a < 5; a++) ids.push((await loom.repository.create(Clock, new Tick(0))).id);
    const subscriber = recorder('ordered');
    await loom.subscribe(subscriber);
    await Promise.all(ids.map(async (id) => {
      for (let n = 1; n <= 10; n++) await loom.repository.update(Clock, id, new Tick(n));
    }));
    await loom.caughtUp();
    for (const id of ids) {
      expect(subscriber.seen.filter((s) => s.aggregateId === id).map((s) => s.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    await loom.close();
  });

  it('retries a failing handler with backoff without holding up other aggregates', async () => {
    const loom = embeddedEventloom({ logger: silentLogger, delivery: fast });
    const { id: stuck } = await loom.repository.create(Clock, new Tick(1));
    const { id: healthy } = await loom.repository.create(Clock, new Tick(1));
    let failuresLeft = 2;
    const subscriber = recorder('retrying', (ctx) => ctx.aggregateId === stuck && failuresLeft-- > 0);
    await loom.subscribe(subscriber);
    await loom.repository.update(Clock, healthy, new Tick(2));
    await loom.caughtUp();
    const stuckSeen = subscriber.seen.filter((s) => s.aggregateId === stuck);
    expect(stuckSeen).toEqual([{ aggregateId: stuck, n: 1, attempt: 3 }]);
    // The healthy aggregate's events were handled while the stuck one was backing off.
    expect(subscriber.seen.findIndex((s) => s.aggregateId === healthy && s.n === 2)).toBeLessThan(
      subscriber.seen.findIndex((s) => s.aggregateId === stuck),
    );
    await loom.close();
  });

  it('parks an event whose handler keeps failing, and goes on with the next', async () => {
    const loom = embeddedEventloom({ logger: silentLogger, delivery: fast });
    const subscriber = recorder('poisoned', (ctx) => ctx.event.n === 13);
    await loom.subscribe(subscriber);
    const { id } = await loom.repository.create(Clock, new Tick(12));
    await loom.repository.update(Clock, id, new Tick(13));
    await loom.repository.update(Clock, id, new Tick(14));
    await loom.caughtUp();
    expect(subscriber.seen.map((s) => s.n)).toEqual([12, 14]);
    const parked = await loom.deadLetters.list('poisoned');
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ attempts: 4, error: 'Error: handler refused tick 13' });
    expect(JSON.parse(parked[0].event.eventData)).toEqual({ n: 13 });
    await loom.close();
  });

  it('refuses a second subscriber with the same id', async () => {
    const loom = embeddedEventloom({ logger: silentLogger });
    await loom.subscribe(recorder('only-once'));
    await expect(loom.subscribe(recorder('only-once'))).rejects.toBeInstanceOf(DuplicateSubscriberError);
    await loom.close();
  });
});

describe('in-memory delivery is woken by appends', () => {
  it('delivers an event appended after subscribing without waiting for a poll', async () => {
    // A poll interval far beyond the test's timeout: only the store's wake-up can deliver in time.
    const store = new InMemoryEventStore();
    const transport = new PublicationLogTransport({ log: store, checkpoints: new InMemoryCheckpointStore(), pollIntervalMs: 600_000 });
    const loom = new Eventloom({ eventStore: store, transport, deadLetters: new InMemoryDeadLetterStore(), logger: silentLogger });
    const subscriber = recorder('woken');
    await loom.subscribe(subscriber);
    await new Promise((r) => setTimeout(r, 20)); // the reader has found nothing and is waiting
    const { id } = await loom.repository.create(Clock, new Tick(7));
    await loom.caughtUp();
    expect(subscriber.seen).toEqual([{ aggregateId: id, n: 7, attempt: 1 }]);
    await loom.close();
  }, 5_000);
});
