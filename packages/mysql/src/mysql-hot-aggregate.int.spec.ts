import { AggregateRepository } from '@eventloom/core';
import { AddToCounter, Counter, OpenCounter } from '@eventloom/testing/contract';
import { MySqlEventStore } from './mysql-event-store';
import { createTestDatabase, TestDatabase } from './test-support/test-database';

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
});
