import { InMemoryEventStore } from '@eventloom/in-memory';
import { AddToCounter, Counter, OpenCounter } from '@eventloom/testing/contract';
import { afterEvents, whenLoadTakesLongerThan } from '../snapshots/snapshot-strategy';
import { AppendRequest, EventStore, LoadOptions } from '../eventStore/event-store';
import { CommandRejectedError } from '../errors';
import { Event } from '../typing/event';
import { Aggregate, Apply, CommandHandler } from './decorators';
import { AggregateRepository } from './aggregate-repository';

/** Counts the reads that reach the store. */
class CountingStore implements EventStore {
  loads = 0;
  constructor(readonly inner = new InMemoryEventStore()) {}
  load(type: string, id: string, options?: LoadOptions) {
    this.loads++;
    return this.inner.load(type, id, options);
  }
  append = (request: AppendRequest) => this.inner.append(request);
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  close = () => this.inner.close();
}

@Event('CacheSpecDeposited')
class Deposited {
  constructor(readonly amount: number) {}
}
@Event('CacheSpecWithdrawn')
class Withdrawn {
  constructor(readonly amount: number) {}
}
class Open {}
class Deposit {
  constructor(readonly amount: number) {}
}
class Withdraw {
  constructor(readonly amount: number) {}
}
class WithdrawIfAny {}

@Aggregate('CacheSpecPurse')
class Purse {
  balance = 0;

  @CommandHandler(Open)
  open() {
    return new Deposited(0);
  }
  @CommandHandler(Deposit)
  deposit(command: Deposit) {
    return new Deposited(command.amount);
  }
  @CommandHandler(Withdraw)
  withdraw(command: Withdraw) {
    if (command.amount > this.balance) throw new CommandRejectedError(`Only ${this.balance} in the purse.`);
    return new Withdrawn(command.amount);
  }
  /** Decides nothing on an empty purse. */
  @CommandHandler(WithdrawIfAny)
  withdrawIfAny() {
    return this.balance > 0 ? new Withdrawn(this.balance) : [];
  }
  @Apply(Deposited)
  deposited(event: Deposited) {
    this.balance += event.amount;
  }
  @Apply(Withdrawn)
  withdrawn(event: Withdrawn) {
    this.balance -= event.amount;
  }
}

@Event('CacheSpecTicked')
class Ticked {}
class Tick {}

/** State in a #private field: a copy cannot carry it, so the cache must not be trusted for it. */
@Aggregate('CacheSpecPrivateTally')
class PrivateTally {
  #ticks = 0;
  get ticks(): number {
    return this.#ticks;
  }
  @CommandHandler(Tick)
  tick() {
    return new Ticked();
  }
  @Apply(Ticked)
  ticked() {
    this.#ticks++;
  }
}

const fastRetry = { initialDelayMs: 1, maxDelayMs: 2 };

describe('AggregateRepository: the aggregate cache', () => {
  it('decides a command on a cached aggregate without reading the store', async () => {
    const store = new CountingStore();
    const repository = new AggregateRepository(store);
    const { id } = await repository.create(Counter, new OpenCounter(1));
    for (let i = 0; i < 5; i++) await repository.update(Counter, id, new AddToCounter(2));
    expect(store.loads).toBe(0);
    expect(repository.metrics).toMatchObject({ cacheHits: 5, loads: 0, cachedAggregates: 1 });
    const found = await repository.find(Counter, id);
    expect([found.version, found.aggregate.total.value]).toEqual([6, 11]);
  });

  it('reads every time with cache: false', async () => {
    const store = new CountingStore();
    const repository = new AggregateRepository(store, { cache: false });
    const { id } = await repository.create(Counter, new OpenCounter(1));
    for (let i = 0; i < 3; i++) await repository.update(Counter, id, new AddToCounter(2));
    expect(store.loads).toBe(3);
    expect(repository.metrics).toMatchObject({ cacheHits: 0, cachedAggregates: 0 });
  });

  it('never hands one instance to two commands: changing a returned aggregate changes nothing stored or cached', async () => {
    const repository = new AggregateRepository(new InMemoryEventStore());
    const created = await repository.create(Counter, new OpenCounter(1));
    (created.aggregate as { additions: number }).additions = 1000;
    const first = await repository.update(Counter, created.id, new AddToCounter(1));
    (first.aggregate as { additions: number }).additions = 1000;
    const second = await repository.update(Counter, created.id, new AddToCounter(1));
    expect(second.aggregate).not.toBe(first.aggregate);
    expect(second.aggregate.additions).toBe(2);
    expect(second.aggregate.total.value).toBe(3);
  });

  it('when another process appended meanwhile: conflicts, drops the entry, retries on a fresh load, loses nothing', async () => {
    const shared = new InMemoryEventStore();
    const ours = new AggregateRepository(shared, { retry: { maxAttempts: 2, ...fastRetry } });
    const theirs = new AggregateRepository(shared);
    const { id } = await ours.create(Counter, new OpenCounter(0));
    await ours.update(Counter, id, new AddToCounter(1));
    await theirs.update(Counter, id, new AddToCounter(10));
    const result = await ours.update(Counter, id, new AddToCounter(100));
    expect(ours.metrics.conflicts).toBe(1);
    expect([result.version, result.aggregate.total.value]).toEqual([4, 111]);
    // The retry refreshed the entry: the next command hits the cache and conflicts no more.
    await ours.update(Counter, id, new AddToCounter(1000));
    expect(ours.metrics).toMatchObject({ conflicts: 1, loads: 1 });
    expect((await theirs.find(Counter, id)).aggregate.total.value).toBe(1111);
  });

  it('confirms a rejection decided on a cached aggregate against the store before reporting it', async () => {
    const shared = new InMemoryEventStore();
    const ours = new AggregateRepository(shared);
    const theirs = new AggregateRepository(shared);
    const { id } = await ours.create(Purse, new Open());
    await theirs.update(Purse, id, new Deposit(10));
    // Our cached purse is empty; the stored one holds 10.
    const result = await ours.update(Purse, id, new Withdraw(5));
    expect([result.version, result.aggregate.balance]).toEqual([3, 5]);
    await expect(ours.update(Purse, id, new Withdraw(50))).rejects.toThrow(/Only 5 in the purse/);
  });

  it('confirms a decision that nothing happens against the store before reporting it', async () => {
    const shared = new InMemoryEventStore();
    const ours = new AggregateRepository(shared);
    const theirs = new AggregateRepository(shared);
    const { id } = await ours.create(Purse, new Open());
    await theirs.update(Purse, id, new Deposit(7));
    const result = await ours.update(Purse, id, new WithdrawIfAny());
    expect(result.events.map((e) => e.event)).toEqual([new Withdrawn(7)]);
    expect(result.aggregate.balance).toBe(0);
  });

  it('recognises a repeated idempotency key even when the aggregate is cached, also after another process ran it', async () => {
    const shared = new CountingStore();
    const ours = new AggregateRepository(shared);
    const theirs = new AggregateRepository(shared);
    const { id } = await ours.create(Counter, new OpenCounter(0));
    await theirs.update(Counter, id, new AddToCounter(7), { idempotencyKey: 'k-1' });
    const repeat = await ours.update(Counter, id, new AddToCounter(7), { idempotencyKey: 'k-1' });
    expect(repeat.events).toEqual([]);
    expect([repeat.version, repeat.aggregate.total.value]).toEqual([2, 7]);
    const own = await ours.update(Counter, id, new AddToCounter(1), { triggeringEvent: { eventId: 'e-2' } });
    const ownRepeat = await ours.update(Counter, id, new AddToCounter(1), { triggeringEvent: { eventId: 'e-2' } });
    expect([own.events.length, ownRepeat.events.length, ownRepeat.version]).toEqual([1, 0, 3]);
  });

  it('keeps snapshot strategies deciding on versions since the last snapshot, with every command a cache hit', async () => {
    const store = new CountingStore();
    const repository = new AggregateRepository(store, { snapshots: { ContractCounter: afterEvents(3) } });
    const { id } = await repository.create(Counter, new OpenCounter(0));
    const snapshotVersions: number[] = [];
    for (let i = 0; i < 7; i++) snapshotVersions.push((await repository.update(Counter, id, new AddToCounter(1))).snapshotVersion);
    expect(store.loads).toBe(0);
    expect(snapshotVersions).toEqual([0, 3, 3, 3, 6, 6, 6]);
    expect((await store.inner.load('ContractCounter', id))?.snapshot?.version).toBe(6);
  });

  it('keeps load-time snapshots as without the cache: one after a slow load, not one at every cached command', async () => {
    const store = new CountingStore();
    const writer = new AggregateRepository(store);
    const { id } = await writer.create(Counter, new OpenCounter(0));
    for (let i = 0; i < 3; i++) await writer.update(Counter, id, new AddToCounter(1));
    const slowStore: EventStore = {
      load: async (...args) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return store.load(...args);
      },
      append: (request) => store.append(request),
      readStream: (...args) => store.readStream(...args),
      close: () => store.close(),
    };
    const repository = new AggregateRepository(slowStore, { snapshots: { ContractCounter: whenLoadTakesLongerThan(10) } });
    const snapshotVersions: number[] = [];
    for (let i = 0; i < 3; i++) snapshotVersions.push((await repository.update(Counter, id, new AddToCounter(1))).snapshotVersion);
    expect(snapshotVersions).toEqual([5, 5, 5]);
    expect(repository.metrics).toMatchObject({ loads: 1, cacheHits: 2 });
  });

  it('stays within maxAggregates, and reads an aggregate that was dropped', async () => {
    const store = new CountingStore();
    const repository = new AggregateRepository(store, { cache: { maxAggregates: 2 } });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await repository.create(Counter, new OpenCounter(i))).id);
    expect(repository.metrics.cachedAggregates).toBe(2);
    const oldest = await repository.update(Counter, ids[0], new AddToCounter(1));
    expect(store.loads).toBe(1);
    expect(oldest.aggregate.total.value).toBe(1);
    expect(() => new AggregateRepository(store, { cache: { maxAggregates: -1 } })).toThrow(/maxAggregates/);
  });

  it('falls back to a load when a cached copy cannot stand in for the aggregate (#private state)', async () => {
    const store = new CountingStore();
    const repository = new AggregateRepository(store);
    const { id } = await repository.create(PrivateTally, new Tick());
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await repository.update(PrivateTally, id, new Tick()));
    expect(results.map((r) => [r.version, r.aggregate.ticks])).toEqual([[2, 2], [3, 3], [4, 4]]);
    expect(store.loads).toBe(3);
  });

  describe('with idempotency keys', () => {
    it('decides keyed commands on the cache while it knows every key of the history, and confirms a repeat on the store', async () => {
      const store = new CountingStore();
      const repository = new AggregateRepository(store);
      const { id } = await repository.create(Counter, new OpenCounter(0), { idempotencyKey: 'create-1' });
      for (let i = 0; i < 5; i++) await repository.update(Counter, id, new AddToCounter(1), { idempotencyKey: `k-${i}` });
      expect(store.loads).toBe(0);
      const repeat = await repository.update(Counter, id, new AddToCounter(1), { idempotencyKey: 'k-3' });
      expect([repeat.events.length, repeat.version, repeat.aggregate.total.value]).toEqual([0, 6, 5]);
      expect(store.loads).toBe(1);
      const createKeyAgain = await repository.update(Counter, id, new AddToCounter(1), { triggeringEvent: { eventId: 'create-1' } });
      expect(createKeyAgain.events).toEqual([]);
      expect((await store.readStream('ContractCounter', id)).length).toBe(6);
    });

    it('reads for a keyed command when the aggregate was loaded from a snapshot (the keys before it are unknown)', async () => {
      const store = new CountingStore();
      const writer = new AggregateRepository(store, { snapshots: { ContractCounter: afterEvents(2) } });
      const { id } = await writer.create(Counter, new OpenCounter(0));
      await writer.update(Counter, id, new AddToCounter(1), { idempotencyKey: 'before-snapshot' });
      await writer.update(Counter, id, new AddToCounter(1));
      const reader = new AggregateRepository(store);
      await reader.find(Counter, id);
      const loads = store.loads;
      const repeat = await reader.update(Counter, id, new AddToCounter(1), { idempotencyKey: 'before-snapshot' });
      expect(repeat.events).toEqual([]);
      expect(store.loads).toBe(loads + 1);
      // Unkeyed commands still use the cache.
      await reader.update(Counter, id, new AddToCounter(1));
      expect(store.loads).toBe(loads + 1);
    });

    it('stops trusting the cache for keyed commands beyond 100 keys on one aggregate', async () => {
      const store = new CountingStore();
      const repository = new AggregateRepository(store);
      const { id } = await repository.create(Counter, new OpenCounter(0));
      // The 101st key is still checked against the 100 known ones; once stored, the keys are too many to keep.
      for (let i = 0; i <= 100; i++) await repository.update(Counter, id, new AddToCounter(1), { idempotencyKey: `k-${i}` });
      expect(store.loads).toBe(0);
      await repository.update(Counter, id, new AddToCounter(1), { idempotencyKey: 'k-101' });
      expect(store.loads).toBe(1);
      // The load refilled the cache from the whole history: 102 keys, still too many.
      const repeat = await repository.update(Counter, id, new AddToCounter(1), { idempotencyKey: 'k-0' });
      expect([repeat.events.length, store.loads]).toEqual([0, 2]);
    });
  });
});
