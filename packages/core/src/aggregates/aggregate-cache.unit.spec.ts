import { AggregateCache } from './aggregate-cache';

class State {
  items: string[] = [];
}

const entry = (version: number, items: string[] = []) => ({
  version,
  snapshotVersion: 0,
  loadMillis: 1,
  aggregate: Object.assign(new State(), { items }),
});

describe('AggregateCache', () => {
  it('keeps its own copy: what the caller does to what it put never reaches the cache', () => {
    const cache = new AggregateCache();
    const put = entry(3, ['a']);
    cache.put('k', put);
    (put.aggregate.items as string[]).push('changed after put');
    const taken = cache.take('k')!;
    expect(taken.aggregate).not.toBe(put.aggregate);
    expect(taken.aggregate).toBeInstanceOf(State);
    expect(taken).toMatchObject({ version: 3, aggregate: { items: ['a'] } });
  });

  it('hands an entry over and forgets it, so a command that fails half-way leaves nothing to reuse', () => {
    const cache = new AggregateCache();
    cache.put('k', entry(3, ['a']));
    const taken = cache.take('k')!;
    (taken.aggregate as State).items.push('half-way');
    expect(cache.take('k')).toBeUndefined();
    cache.put('k', { ...taken, version: 4 }); // what a successful append puts back
    expect(cache.take('k')).toMatchObject({ version: 4 });
  });

  it('drops the least recently used aggregate beyond maxAggregates', () => {
    const cache = new AggregateCache({ maxAggregates: 2 });
    cache.put('a', entry(1, ['a']));
    cache.put('b', entry(1, ['b']));
    cache.put('a', { ...cache.take('a')!, version: 2 }); // a command on 'a' makes it the most recently used
    cache.put('c', entry(1, ['c']));
    expect(cache.size).toBe(2);
    expect(cache.take('b')).toBeUndefined();
    expect(cache.take('a')).toMatchObject({ version: 2, aggregate: { items: ['a'] } });
    expect(cache.take('c')).toMatchObject({ version: 1, aggregate: { items: ['c'] } });
  });

  it('keeps every aggregate with maxAggregates: Infinity (the in-memory store default)', () => {
    const cache = new AggregateCache({ maxAggregates: Infinity });
    for (let i = 0; i < 20_000; i++) cache.put(`k${i}`, entry(1));
    expect(cache.size).toBe(20_000);
  });

  it('keeps a later version when an earlier load finishes late', () => {
    const cache = new AggregateCache();
    cache.put('k', entry(5, ['later']));
    cache.put('k', entry(4, ['earlier']));
    expect(cache.take('k')).toMatchObject({ version: 5, aggregate: { items: ['later'] } });
    cache.drop('k');
    expect(cache.take('k')).toBeUndefined();
  });

  describe('putting back into the slot a command took', () => {
    it('keeps its own copy there too: what the caller does afterwards never reaches the cache', () => {
      const cache = new AggregateCache({ maxAggregates: Infinity });
      cache.put('k', entry(3, ['a']));
      const taken = cache.take('k')!;
      (taken.aggregate as State).items.push('b');
      cache.put('k', { ...taken, version: 4 }, taken.slot);
      (taken.aggregate as State).items.push('after the append');
      const next = cache.take('k')!;
      expect(next).toMatchObject({ version: 4, aggregate: { items: ['a', 'b'] } });
      expect(next.aggregate).toBeInstanceOf(State);
      expect(next.aggregate).not.toBe(taken.aggregate);
    });

    it('takes away what the command removed from its aggregate', () => {
      const cache = new AggregateCache({ maxAggregates: Infinity });
      cache.put('k', { ...entry(3, ['a']), aggregate: Object.assign(new State(), { items: ['a'], note: 'gone next' }) });
      const taken = cache.take('k')!;
      delete (taken.aggregate as { note?: string }).note;
      cache.put('k', { ...taken, version: 4 }, taken.slot);
      expect(cache.take('k')!.aggregate).not.toHaveProperty('note');
    });

    it('puts an entry dropped meanwhile back into the cache, not into the dropped slot', () => {
      const cache = new AggregateCache({ maxAggregates: Infinity });
      cache.put('k', entry(3, ['a']));
      const taken = cache.take('k')!;
      cache.drop('k');
      cache.put('k', { ...taken, version: 4 }, taken.slot);
      expect(cache.take('k')).toMatchObject({ version: 4 });
    });

    it('leaves a later load that replaced the slot meanwhile in place', () => {
      const cache = new AggregateCache({ maxAggregates: Infinity });
      cache.put('k', entry(3, ['a']));
      const taken = cache.take('k')!;
      cache.put('k', entry(5, ['loaded']));
      cache.put('k', { ...taken, version: 4 }, taken.slot);
      expect(cache.take('k')).toMatchObject({ version: 5, aggregate: { items: ['loaded'] } });
    });

    it('makes the aggregate the most recently used in a bounded cache', () => {
      const cache = new AggregateCache({ maxAggregates: 2 });
      cache.put('a', entry(1, ['a']));
      cache.put('b', entry(1, ['b']));
      const taken = cache.take('a')!;
      cache.put('a', { ...taken, version: 2 }, taken.slot);
      cache.put('c', entry(1, ['c']));
      expect(cache.take('b')).toBeUndefined();
      expect(cache.take('a')).toMatchObject({ version: 2 });
    });
  });

  it('refuses a size that is not a positive integer, naming the option and how to switch the cache off', () => {
    expect(() => new AggregateCache({ maxAggregates: 0 })).toThrow(/cache\.maxAggregates.*cache: false/);
    expect(() => new AggregateCache({ maxAggregates: 1.5 })).toThrow(RangeError);
  });
});
