import { InMemoryEventStore } from '@eventloom/in-memory';
import { AddToCounter, Counter, OpenCounter } from '@eventloom/testing/contract';
import { AppendRequest, EventStore, LoadOptions } from '../eventStore/event-store';
import { AggregateRepository } from './aggregate-repository';

/** An in-memory store whose reads of one aggregate wait until let through, to hold a command mid-way. */
class HoldingStore implements EventStore {
  private held?: { id: string; released: Promise<void> };
  constructor(private readonly inner = new InMemoryEventStore()) {}

  hold(id: string): () => void {
    let release!: () => void;
    this.held = { id, released: new Promise<void>((resolve) => (release = resolve)) };
    return release;
  }

  async load(type: string, id: string, options?: LoadOptions) {
    if (this.held?.id === id) await this.held.released;
    return this.inner.load(type, id, options);
  }
  append = (request: AppendRequest) => this.inner.append(request);
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  close = () => this.inner.close();
}

describe('AggregateRepository: commands of one aggregate in one process', () => {
  for (const cache of [undefined, false] as const) {
    const label = cache === false ? 'without the cache' : 'with the cache';

    it(`runs 50 concurrent commands on one aggregate without losing a race to itself (${label})`, async () => {
      const store = new InMemoryEventStore();
      // One try only: a single lost race would fail a command, not just be counted.
      const repository = new AggregateRepository(store, { cache, retry: { maxAttempts: 1 } });
      const { id } = await repository.create(Counter, new OpenCounter(0));
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => repository.update(Counter, id, new AddToCounter(i + 1))));
      expect(repository.metrics.conflicts).toBe(0);
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
      const found = await repository.find(Counter, id);
      expect(found.version).toBe(51);
      expect(found.aggregate.total.value).toBe((50 * 51) / 2);
    });
  }

  it('runs commands of different aggregates side by side: one held on A does not delay B', async () => {
    const store = new HoldingStore();
    const repository = new AggregateRepository(store, { cache: false });
    const a = await repository.create(Counter, new OpenCounter(0));
    const b = await repository.create(Counter, new OpenCounter(0));
    const release = store.hold(a.id);
    let aDone = false;
    const onA = repository.update(Counter, a.id, new AddToCounter(1)).then((result) => {
      aDone = true;
      return result;
    });
    const onB = await repository.update(Counter, b.id, new AddToCounter(2));
    expect(onB.version).toBe(2);
    expect(aDone).toBe(false);
    release();
    await expect(onA).resolves.toMatchObject({ version: 2 });
  });

  it('queues a second command of a held aggregate behind the first, and runs both', async () => {
    const store = new HoldingStore();
    const repository = new AggregateRepository(store, { cache: false, retry: { maxAttempts: 1 } });
    const { id } = await repository.create(Counter, new OpenCounter(0));
    const release = store.hold(id);
    const first = repository.update(Counter, id, new AddToCounter(1));
    const second = repository.update(Counter, id, new AddToCounter(2));
    release();
    await expect(Promise.all([first, second])).resolves.toMatchObject([{ version: 2 }, { version: 3 }]);
    expect(repository.metrics.conflicts).toBe(0);
  });
});
