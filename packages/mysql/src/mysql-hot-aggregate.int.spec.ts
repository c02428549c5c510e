import { AggregateRepository } from '@eventloom/core';
import { AddToCounter, Counter, OpenCounter } from '@eventloom/testing/contract';
import { MySqlEventStore } from './mysql-event-store';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';

let database: TestDatabase;
const stores: MySqlEventStore[] = [];
const openStore = () => {
  const store = new MySqlEventStore({ url: database.url });
  stores.push(store);
  return store;
};

beforeAll(async () => {
  database = await createTestDatabase('hot', { migrated: true });
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await database?.drop();
});

describe('AggregateRepository over MySqlEventStore: one hot aggregate', () => {
  for (const cache of [undefined, false] as const) {
    it(`applies 50 concurrent commands of one process with no lost race (${cache === false ? 'without' : 'with'} the cache)`, async () => {
      const store = openStore();
      // One try only: a single lost race would fail a command.
      const repository = new AggregateRepository(store, { cache, retry: { maxAttempts: 1 } });
      const { id } = await repository.create(Counter, new OpenCounter(0));
      await Promise.all(Array.from({ length: 50 }, (_, i) => repository.update(Counter, id, new AddToCounter(i + 1))));
      expect(repository.metrics.conflicts).toBe(0);
      const stored = await store.readStream('ContractCounter', id);
      expect(stored.map((e) => e.version)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
      expect((await repository.find(Counter, id)).aggregate.total.value).toBe((50 * 51) / 2);
    });
  }

  it('races only between processes: two repositories (two stores, two pools) lose no update and retry their conflicts', async () => {
    const [a, b] = [openStore(), openStore()];
    const retry = { maxAttempts: 100, initialDelayMs: 1, maxDelayMs: 20 };
    const first = new AggregateRepository(a, { retry });
    const second = new AggregateRepository(b, { retry });
    const { id } = await first.create(Counter, new OpenCounter(0));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? first : second).update(Counter, id, new AddToCounter(i + 1))),
    );
    const found = await first.find(Counter, id);
    expect(found.version).toBe(41);
    expect(found.aggregate.total.value).toBe((40 * 41) / 2);
  });

  it('runs a command with an idempotency key once, when another process ran it after ours cached the aggregate', async () => {
    const [a, b] = [openStore(), openStore()];
    const ours = new AggregateRepository(a, { retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
    const theirs = new AggregateRepository(b);
    const { id } = await ours.create(Counter, new OpenCounter(0));
    await ours.update(Counter, id, new AddToCounter(1), { idempotencyKey: 'first' });
    await theirs.update(Counter, id, new AddToCounter(10), { idempotencyKey: 'second' });
    const repeat = await ours.update(Counter, id, new AddToCounter(10), { idempotencyKey: 'second' });
    expect(repeat.events).toEqual([]);
    expect([repeat.version, repeat.aggregate.total.value]).toEqual([3, 11]);
    const own = await ours.update(Counter, id, new AddToCounter(100), { idempotencyKey: 'third' });
    const ownRepeat = await ours.update(Counter, id, new AddToCounter(100), { idempotencyKey: 'third' });
    expect([own.events.length, ownRepeat.events.length]).toEqual([1, 0]);
    expect((await a.readStream('ContractCounter', id)).map((e) => e.triggeringEventId)).toEqual([undefined, 'first', 'second', 'third']);
  });
});
