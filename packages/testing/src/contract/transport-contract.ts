import {
  DuplicateSubscriberError,
  EventContext,
  EventHandlerMethod,
  EventSubscriber,
  Eventloom,
  HealthCheck,
  silentLogger,
} from '@eventloom/core';
import { BatchParticipant, DeliveryBatch } from '@eventloom/core';
import { DeadLetterStore, EventStore, EventTransport, newId } from '@eventloom/core/spi';
import { InMemoryDeadLetterStore } from '@eventloom/in-memory';
import { eventually } from '../eventually';
import { AddToCounter, Amount, Counter, CounterAdded, CounterOpened, CounterScaled, OpenCounter } from './contract-model';
import { rawEvent } from './event-store-contract';

export interface TransportHarness {
  readonly store: EventStore;
  readonly transport: EventTransport;
  /** The Eventloom's dead-letter store (default: an InMemoryDeadLetterStore). */
  readonly deadLetters?: DeadLetterStore;
  readonly teardown?: () => Promise<void>;
}

interface Seen {
  aggregateId: string;
  version: number;
  attempt: number;
}

function recorder(subscriberId: string, fail: (ctx: EventContext<object>) => boolean = () => false) {
  @EventSubscriber(subscriberId)
  class Recorder {
    readonly seen: Seen[] = [];
    private async record(ctx: EventContext<object>) {
      // Handlers take varying time, so that per-aggregate order is really exercised.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      if (fail(ctx)) throw new Error(`refused ${ctx.aggregateId} v${ctx.version}`);
      this.seen.push({ aggregateId: ctx.aggregateId, version: ctx.version, attempt: ctx.attempt });
    }
    @EventHandlerMethod(CounterOpened) opened(ctx: EventContext<CounterOpened>) {
      return this.record(ctx);
    }
    @EventHandlerMethod(CounterAdded) added(ctx: EventContext<CounterAdded>) {
      return this.record(ctx);
    }
  }
  return new Recorder();
}

/**
 * A view whose changes take effect only when its unit of work commits, as a
 * MySQL view's transaction: in a batch they wait for the run's commit, and
 * are lost on a rollback; without one they take effect at once.
 */
function bufferedView(subscriberId: string, maxEvents: number, fail: (ctx: EventContext<object>) => boolean = () => false) {
  class Run implements BatchParticipant {
    readonly changes: Seen[] = [];
    constructor(private readonly view: BufferedView) {}
    async commit() {
      this.view.runs.push(this.changes.length);
      this.view.seen.push(...this.changes);
    }
    async rollback() {
      this.view.rollbacks++;
    }
  }
  @EventSubscriber(subscriberId, { batch: { maxEvents } })
  class BufferedView {
    readonly seen: Seen[] = [];
    /** Events per committed run. */
    readonly runs: number[] = [];
    rollbacks = 0;
    private async record(ctx: EventContext<object>) {
      if (fail(ctx)) throw new Error(`refused ${ctx.aggregateId} v${ctx.version}`);
      const change = { aggregateId: ctx.aggregateId, version: ctx.version, attempt: ctx.attempt };
      if (!ctx.batch) this.seen.push(change);
      else (await (ctx.batch as DeliveryBatch).join(this, async () => new Run(this))).changes.push(change);
    }
    @EventHandlerMethod(CounterOpened) opened(ctx: EventContext<CounterOpened>) {
      return this.record(ctx);
    }
    @EventHandlerMethod(CounterAdded) added(ctx: EventContext<CounterAdded>) {
      return this.record(ctx);
    }
  }
  return new BufferedView();
}

/**
 * The delivery behaviour every transport must have, whatever carries the
 * events: order per aggregate, at least once, retries that hold up only their
 * own aggregate, parking, durable subscriber ids.
 */
export function transportContract(name: string, createHarness: () => Promise<TransportHarness>): void {
  describe(`EventTransport contract: ${name}`, () => {
    let harness: TransportHarness;
    let loom: Eventloom;
    let run = 0;
    const id = (label: string) => `${label}-${process.pid}-${run}`;

    beforeEach(async () => {
      run++;
      harness = await createHarness();
      loom = new Eventloom({
        eventStore: harness.store,
        transport: harness.transport,
        deadLetters: harness.deadLetters ?? new InMemoryDeadLetterStore(),
        logger: silentLogger,
        delivery: { maxAttempts: 4, initialDelayMs: 5, maxDelayMs: 20 },
        health: { stallAfterMs: 400 },
      });
    });
    afterEach(async () => {
      await loom.close();
      await harness.teardown?.();
    });

    async function counters(count: number, additions: number): Promise<string[]> {
      const ids = await Promise.all(Array.from({ length: count }, async () => (await loom.repository.create(Counter, new OpenCounter(0))).id));
      await Promise.all(ids.map(async (counterId) => {
        for (let i = 1; i <= additions; i++) await loom.repository.update(Counter, counterId, new AddToCounter(i));
      }));
      return ids;
    }

    it('delivers each aggregate\'s events in order, including those stored before subscribing', async () => {
      const before = await counters(4, 5);
      const subscriber = recorder(id('ordered'));
      await loom.subscribe(subscriber);
      const after = await counters(4, 5);
      await eventually(() => subscriber.seen.length >= 48, '48 events');
      for (const counterId of [...before, ...after]) {
        expect(subscriber.seen.filter((s) => s.aggregateId === counterId).map((s) => s.version)).toEqual([1, 2, 3, 4, 5, 6]);
      }
    });

    it('hands a batching subscriber runs of events in one unit of work: each event once, in order per aggregate', async () => {
      const ids = await counters(4, 9);
      const view = bufferedView(id('batched'), 10);
      await loom.subscribe(view);
      await eventually(() => view.seen.length >= 40, '40 events');
      await loom.caughtUp();
      for (const counterId of ids) {
        expect(view.seen.filter((s) => s.aggregateId === counterId).map((s) => s.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }
      expect(view.seen).toHaveLength(40);
      // Stored before subscribing, the events come in runs of several, never more than asked.
      expect(Math.max(...view.runs)).toBeGreaterThan(1);
      expect(Math.max(...view.runs)).toBeLessThanOrEqual(10);
      expect(view.rollbacks).toBe(0);
    });

    it('rolls back a run in which a handler fails, then retries and parks that event alone', async () => {
      const [poisoned, healthy] = await counters(2, 4);
      const view = bufferedView(id('batched-poison'), 50, (ctx) => ctx.aggregateId === poisoned && ctx.version === 3);
      await loom.subscribe(view);
      await eventually(async () => (await loom.deadLetters.list(id('batched-poison'))).length === 1, 'the poisoned event parked');
      await loom.caughtUp();
      expect(view.rollbacks).toBeGreaterThan(0);
      expect(view.seen.filter((s) => s.aggregateId === poisoned).map((s) => s.version)).toEqual([1, 2, 4, 5]);
      expect(view.seen.filter((s) => s.aggregateId === healthy).map((s) => s.version)).toEqual([1, 2, 3, 4, 5]);
      const [parked] = await loom.deadLetters.list(id('batched-poison'));
      expect(parked).toMatchObject({ attempts: 4, error: `Error: refused ${poisoned} v3` });
    });

    it('retries a failing handler while other aggregates flow on', async () => {
      const [stuck, healthy] = await counters(2, 0);
      // The stuck aggregate's first try fails; its retry then waits for the healthy aggregate's
      // next event. A transport that held other aggregates behind a retrying one would never
      // deliver that event, and this test would time out: no timing margin involved.
      let healthyHandled!: () => void;
      const healthyDone = new Promise<void>((resolve) => (healthyHandled = resolve));
      @EventSubscriber(id('retrying'))
      class Retrying {
        readonly seen: Seen[] = [];
        @EventHandlerMethod(CounterOpened) async opened(ctx: EventContext<CounterOpened>) {
          if (ctx.aggregateId === stuck) {
            if (ctx.attempt === 1) throw new Error('first try fails');
            await healthyDone;
          }
          this.seen.push({ aggregateId: ctx.aggregateId, version: ctx.version, attempt: ctx.attempt });
        }
        @EventHandlerMethod(CounterAdded) async added(ctx: EventContext<CounterAdded>) {
          this.seen.push({ aggregateId: ctx.aggregateId, version: ctx.version, attempt: ctx.attempt });
          if (ctx.aggregateId === healthy) healthyHandled();
        }
      }
      const subscriber = new Retrying();
      await loom.subscribe(subscriber);
      await loom.repository.update(Counter, healthy, new AddToCounter(1));
      await eventually(() => subscriber.seen.length >= 3, 'three events');
      expect(subscriber.seen.find((s) => s.aggregateId === stuck)).toEqual({ aggregateId: stuck, version: 1, attempt: 2 });
      const healthyAt = subscriber.seen.findIndex((s) => s.aggregateId === healthy && s.version === 2);
      expect(healthyAt).toBeLessThan(subscriber.seen.findIndex((s) => s.aggregateId === stuck));
      expect(await loom.deadLetters.list(id('retrying'))).toEqual([]);
    });

    it('parks an event whose handler keeps failing and goes on with the next', async () => {
      const [counterId] = await counters(1, 2);
      const subscriber = recorder(id('poisoned'), (ctx) => ctx.version === 2);
      await loom.subscribe(subscriber);
      await eventually(() => subscriber.seen.length >= 2, 'two events');
      expect(subscriber.seen.map((s) => s.version)).toEqual([1, 3]);
      const parked = await loom.deadLetters.list(id('poisoned'));
      expect(parked).toHaveLength(1);
      expect(parked[0]).toMatchObject({ attempts: 4, error: `Error: refused ${counterId} v2` });
    });

    it('refuses a second subscriber with the same id, also when both subscribe at once', async () => {
      const request = (subscriberId: string) => ({
        subscriberId,
        aggregateTypes: ['ContractCounter'],
        eventTypes: ['ContractCounterOpened'],
        handle: async () => {},
        deadLetters: loom.deadLetters,
      });
      const first = await harness.transport.subscribe(request(id('only-once')));
      await expect(harness.transport.subscribe(request(id('only-once')))).rejects.toBeInstanceOf(DuplicateSubscriberError);
      await first.close();
      const results = await Promise.allSettled([harness.transport.subscribe(request(id('racing'))), harness.transport.subscribe(request(id('racing')))]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: expect.any(DuplicateSubscriberError) });
      await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
    });

    it('lets a closed subscriber id subscribe again, and waits for running handlers on close', async () => {
      let running = 0;
      let finishedAfterClose = false;
      let closed = false;
      @EventSubscriber(id('reopened'))
      class Slow {
        @EventHandlerMethod(CounterOpened) async opened() {
          running++;
          await new Promise((resolve) => setTimeout(resolve, 50));
          if (closed) finishedAfterClose = true;
          running--;
        }
      }
      await counters(3, 0);
      const subscription = await loom.subscribe(new Slow());
      await eventually(() => running > 0, 'a handler to start');
      await subscription.close();
      closed = true;
      expect(running).toBe(0);
      expect(finishedAfterClose).toBe(false);
      const again = await loom.subscribe(new Slow());
      await again.close();
    });

    it('is caught up only when events that handlers appended for other subscribers are handled too', async () => {
      @EventSubscriber(id('cascade-source'))
      class Source {
        @EventHandlerMethod(CounterOpened) async opened(ctx: EventContext<CounterOpened>) {
          // Let the other subscriber look, and find nothing, before this appends.
          await new Promise((resolve) => setTimeout(resolve, 30));
          await ctx.update(Counter, ctx.aggregateId, new AddToCounter(5));
        }
      }
      const follower = recorder(id('cascade-follower'));
      await loom.subscribe(new Source());
      await loom.subscribe(follower);
      const { id: counterId } = await loom.repository.create(Counter, new OpenCounter(1));
      await loom.caughtUp();
      expect(follower.seen.filter((s) => s.aggregateId === counterId).map((s) => s.version)).toEqual([1, 2]);
    });

    it('reports its subscriptions joined and caught up, and stalled when events wait and none is handled', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let blockAfter = Infinity;
      @EventSubscriber(id('stalling'))
      class Stalling {
        handled = 0;
        @EventHandlerMethod(CounterOpened) async opened() {
          if (this.handled >= blockAfter) await released;
          this.handled++;
        }
      }
      const subscriber = new Stalling();
      await counters(2, 0);
      await loom.subscribe(subscriber);
      await eventually(() => subscriber.handled === 2, 'the first two events');
      const subscription = (component: string) => component === `subscription ${id('stalling')}`;
      await eventually(async () => (await loom.health()).ready, 'a ready service');
      const report = await loom.health();
      expect(report.checks.find((c) => subscription(c.component))).toEqual({ component: `subscription ${id('stalling')}`, ok: true, detail: 'caught up' });

      // Every handler now hangs: the events wait, none is handled, and after stallAfterMs the service is not ready.
      blockAfter = 2;
      await counters(2, 0);
      let stalled: HealthCheck | undefined;
      await eventually(async () => {
        stalled = (await loom.health()).checks.find((c) => subscription(c.component) && !c.ok);
        return stalled !== undefined;
      }, 'a stalled subscription');
      expect(stalled!.detail).toMatch(/^stalled: 2 events waiting and none handled for \d+ s$/);
      expect((await loom.health()).ready).toBe(false);

      release();
      await eventually(() => subscriber.handled === 4, 'the waiting events');
      await eventually(async () => (await loom.health()).ready, 'ready again');
    });

    it('resumes a durable subscription where it stopped: nothing lost', async () => {
      const subscriberId = id('durable');
      const ids = await counters(3, 3);
      const first = recorder(subscriberId);
      const subscription = await harness.transport.subscribe({
        subscriberId,
        deadLetters: loom.deadLetters,
        aggregateTypes: ['ContractCounter'],
        eventTypes: ['ContractCounterOpened', 'ContractCounterAdded'],
        handle: async (event) => {
          first.seen.push({ aggregateId: event.aggregateId, version: event.version, attempt: 1 });
        },
      });
      await eventually(() => first.seen.length >= 12, 'the first twelve events');
      await subscription.close();
      await counters(2, 1);
      await loom.repository.update(Counter, ids[0], new AddToCounter(9));
      const second = recorder(subscriberId);
      await loom.subscribe(second);
      await eventually(() => second.seen.length >= 5, 'the events stored while unsubscribed');
      const seen = new Set([...first.seen, ...second.seen].map((s) => `${s.aggregateId}@${s.version}`));
      expect(seen.size).toBe(12 + 4 + 1);
      expect(second.seen.some((s) => s.aggregateId === ids[0] && s.version === 5)).toBe(true);
    });

    it('delivers events stored at older schema versions or under an old type name as the current class, and parks one of a version it does not know', async () => {
      const counterId = newId();
      // What processes that knew only versions 1 and 2 wrote, before the upcasters existed; and one a newer release wrote.
      await harness.store.append({
        aggregateType: 'ContractCounter',
        aggregateId: counterId,
        expectedVersion: 0,
        events: [
          rawEvent(counterId, 1, { eventType: 'ContractCounterMultiplied', eventData: JSON.stringify({ factor: 3 }) }),
          rawEvent(counterId, 2, { eventType: 'ContractCounterScaled', eventData: '{"factor":{"value":5}}', metadata: { correlationId: 'c', schemaVersion: 2 } }),
          rawEvent(counterId, 3, { eventType: 'ContractCounterScaled', eventData: '{"by":{"value":7},"reason":"r","more":1}', metadata: { correlationId: 'c', schemaVersion: 4 } }),
          rawEvent(counterId, 4, { eventType: 'ContractCounterScaled', eventData: '{"by":{"value":11},"reason":"now"}', metadata: { correlationId: 'c', schemaVersion: 3 } }),
        ],
      });
      const subscriberId = id('evolved');
      @EventSubscriber(subscriberId)
      class ScaleWatcher {
        readonly seen: Array<{ version: number; eventType: string; event: CounterScaled }> = [];
        @EventHandlerMethod(CounterScaled) scaled(ctx: EventContext<CounterScaled>) {
          this.seen.push({ version: ctx.version, eventType: ctx.eventType, event: ctx.event });
        }
      }
      const watcher = new ScaleWatcher();
      await loom.subscribe(watcher);
      await eventually(() => watcher.seen.length >= 3, 'three decodable events');
      expect(watcher.seen.map((s) => [s.version, s.eventType, s.event.by.value, s.event.reason])).toEqual([
        [1, 'ContractCounterMultiplied', 3, 'unknown (stored before reasons)'],
        [2, 'ContractCounterScaled', 5, 'unknown (stored before reasons)'],
        [4, 'ContractCounterScaled', 11, 'now'],
      ]);
      for (const { event } of watcher.seen) {
        expect(event).toBeInstanceOf(CounterScaled);
        expect(event.by).toBeInstanceOf(Amount);
      }
      await eventually(async () => (await loom.deadLetters.list(subscriberId)).length === 1, 'the newer event parked');
      const [parked] = await loom.deadLetters.list(subscriberId);
      expect(parked.event.version).toBe(3);
      expect(parked.attempts).toBe(1);
      expect(parked.error).toMatch(/'ContractCounterScaled' .* is stored at schema version 4, newer than this process knows \(version 3\)\. Deploy/);
    });
  });
}
