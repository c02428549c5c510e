import { InMemoryEventStore } from '@eventloom/in-memory';
import { AddToCounter, Amount, Counter, CounterAdded, OpenCounter } from '@eventloom/testing/contract';
import { afterEvents } from '../snapshots/snapshot-strategy';
import { AppendRequest, EventStore } from '../eventStore/event-store';
import { OptimisticConcurrencyError, TransientStoreError } from '../errors';
import { AggregateRepository } from './aggregate-repository';

/** A store whose next `conflicts` appends lose the race to a concurrent writer. */
class RacingStore implements EventStore {
  appends = 0;
  constructor(
    private readonly inner: InMemoryEventStore,
    private conflicts: number,
  ) {}
  load: EventStore['load'] = (...args) => this.inner.load(...args);
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  close = () => this.inner.close();
  async append(request: AppendRequest): Promise<void> {
    this.appends++;
    if (request.expectedVersion > 0 && this.conflicts > 0) {
      this.conflicts--;
      // A concurrent writer gets in first: the version moves on under us.
      const stream = (await this.inner.load(request.aggregateType, request.aggregateId))!;
      await this.inner.append({
        ...request,
        expectedVersion: stream.version,
        events: request.events.map((e, i) => ({ ...e, eventId: `${e.eventId}-rival`, version: stream.version + i + 1 })),
        snapshot: undefined,
      });
    }
    return this.inner.append(request);
  }
}

describe('AggregateRepository', () => {
  const fastRetry = { initialDelayMs: 1, maxDelayMs: 2 };

  it('retries an update that lost the race: reloads, decides again, and appends', async () => {
    const store = new RacingStore(new InMemoryEventStore(), 2);
    const repository = new AggregateRepository(store, { retry: { maxAttempts: 5, ...fastRetry } });
    const { id } = await repository.create(Counter, new OpenCounter(0));
    const updated = await repository.update(Counter, id, new AddToCounter(3));
    // Two rivals got in first (3 each), then our own try landed on version 4.
    expect(updated.version).toBe(4);
    expect(updated.aggregate.total.value).toBe(9);
    expect(store.appends).toBe(1 + 3);
  });

  it('gives up with OptimisticConcurrencyError after the last try, never reporting success', async () => {
    const store = new RacingStore(new InMemoryEventStore(), 100);
    const repository = new AggregateRepository(store, { retry: { maxAttempts: 3, ...fastRetry } });
    const { id } = await repository.create(Counter, new OpenCounter(0));
    const failure = repository.update(Counter, id, new AddToCounter(1));
    await expect(failure).rejects.toBeInstanceOf(OptimisticConcurrencyError);
    await expect(failure).rejects.toMatchObject({ attempts: 3, aggregateType: 'ContractCounter', aggregateId: id });
    expect(store.appends).toBe(1 + 3);
    // Only the rivals' events were written; none of ours.
    const history = await store.readStream('ContractCounter', id);
    expect(history.slice(1).every((e) => e.eventId.endsWith('-rival'))).toBe(true);
  });

  it('retries an append the store refused for a moment (a deadlock), and surfaces that error, not a lost race, after the last try', async () => {
    const inner = new InMemoryEventStore();
    let refusals = 2;
    const refusing: EventStore = {
      load: (...args) => inner.load(...args),
      readStream: (...args) => inner.readStream(...args),
      close: () => inner.close(),
      append: async (request) => {
        if (request.expectedVersion > 0 && refusals-- > 0) throw new TransientStoreError(request.aggregateType, request.aggregateId, 'a deadlock');
        return inner.append(request);
      },
    };
    const repository = new AggregateRepository(refusing, { retry: { maxAttempts: 3, ...fastRetry }, cache: false });
    const { id } = await repository.create(Counter, new OpenCounter(1));
    const updated = await repository.update(Counter, id, new AddToCounter(2));
    expect(updated.version).toBe(2);
    expect(repository.metrics.conflicts).toBe(0);

    refusals = 10;
    await expect(repository.update(Counter, id, new AddToCounter(2))).rejects.toBeInstanceOf(TransientStoreError);
    expect((await repository.find(Counter, id)).version).toBe(2);
  });

  it('refuses a non-positive retry limit with a clear error', () => {
    expect(() => new AggregateRepository(new InMemoryEventStore(), { retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/);
  });

  it('returns the existing aggregate when a create caused by the same event is repeated', async () => {
    const repository = new AggregateRepository(new InMemoryEventStore());
    const triggeringEvent = { eventId: 'event-1' };
    const first = await repository.create(Counter, new OpenCounter(5), { id: 'c-1', triggeringEvent });
    const again = await repository.create(Counter, new OpenCounter(5), { id: 'c-1', triggeringEvent });
    expect(again.version).toBe(first.version);
    expect(again.aggregate.total.value).toBe(5);
  });

  it('reports what a command appended, and what a find read after the snapshot, under different names', async () => {
    const repository = new AggregateRepository(new InMemoryEventStore(), { snapshots: { ContractCounter: afterEvents(2) } });
    const created = await repository.create(Counter, new OpenCounter(1));
    expect(created.events.map((e) => e.version)).toEqual([1]);
    const updated = await repository.update(Counter, created.id, new AddToCounter(2));
    expect(updated.events.map((e) => [e.version, e.event])).toEqual([[2, new CounterAdded(new Amount(2))]]);
    await repository.update(Counter, created.id, new AddToCounter(3));
    const found = await repository.find(Counter, created.id);
    expect(found).toMatchObject({ version: 3, snapshotVersion: 2 });
    expect(found.eventsSinceSnapshot.map((e) => e.version)).toEqual([3]);
    expect(found).not.toHaveProperty('events');
    const repeated = await repository.update(Counter, created.id, new AddToCounter(4), { triggeringEvent: { eventId: 'e-1' } });
    const again = await repository.update(Counter, created.id, new AddToCounter(4), { triggeringEvent: { eventId: 'e-1' } });
    expect([repeated.events.length, again.events]).toEqual([1, []]);
  });

  it('stores metadata on every event: ids, causation, correlation and schema version', async () => {
    const store = new InMemoryEventStore();
    const repository = new AggregateRepository(store);
    const { id } = await repository.create(Counter, new OpenCounter(1), { correlationId: 'corr-1', metadata: { userId: 'u-7' } });
    await repository.update(Counter, id, new AddToCounter(1), { triggeringEvent: { eventId: 'cause-1', metadata: { correlationId: 'corr-1' } } });
    const [created, added] = await store.readStream('ContractCounter', id);
    expect(created.metadata).toEqual({ correlationId: 'corr-1', schemaVersion: 1, userId: 'u-7' });
    expect(added).toMatchObject({ triggeringEventId: 'cause-1', metadata: { correlationId: 'corr-1', causationId: 'cause-1' } });
    expect(created.eventId < added.eventId).toBe(true);
  });
});
