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
  it('hands out copies: what a caller does to one never reaches the cache or another caller', () => {
    const cache = new AggregateCache();
    const put = entry(3, ['a']);
    cache.put('k', put);
    (put.aggregate.items as string[]).push('changed after put');
    const first = cache.take('k')!;
    (first.aggregate as State).items.push('changed by the first caller');
    const second = cache.take('k')!;
    expect(second.aggregate).not.toBe(first.aggregate);
    expect(second.aggregate).toBeInstanceOf(State);
    expect(second).toMatchObject({ version: 3, aggregate: { items: ['a'] } });
  });

  it('drops the least recently used aggregate beyond maxAggregates', () => {
    const cache = new AggregateCache({ maxAggregates: 2 });
    cache.put('a', entry(1, ['a']));
    cache.put('b', entry(1, ['b']));
    cache.take('a');
    cache.put('c', entry(1, ['c']));
    expect(cache.size).toBe(2);
    expect(cache.take('b')).toBeUndefined();
    expect(cache.take('a')).toMatchObject({ version: 1, aggregate: { items: ['a'] } });
    expect(cache.take('c')).toMatchObject({ version: 1, aggregate: { items: ['c'] } });
  });

  it('keeps a later version when an earlier load finishes late', () => {
    const cache = new AggregateCache();
    cache.put('k', entry(5, ['later']));
    cache.put('k', entry(4, ['earlier']));
    expect(cache.take('k')).toMatchObject({ version: 5, aggregate: { items: ['later'] } });
    cache.drop('k');
    expect(cache.take('k')).toBeUndefined();
  });

  it('refuses a size that is not a positive integer, naming the option and how to switch the cache off', () => {
    expect(() => new AggregateCache({ maxAggregates: 0 })).toThrow(/cache\.maxAggregates.*cache: false/);
    expect(() => new AggregateCache({ maxAggregates: 1.5 })).toThrow(RangeError);
  });
});
