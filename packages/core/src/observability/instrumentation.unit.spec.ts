import { Instrumentation, instrumentations } from './instrumentation';

describe('instrumentations()', () => {
  it('nests the around-hooks (the first outermost), calls every observer, merges their event metadata, and leaves out hooks no one has', async () => {
    const calls: string[] = [];
    const around = (name: string) => async <T>(_info: unknown, run: () => Promise<T>): Promise<T> => {
      calls.push(`${name} in`);
      try {
        return await run();
      } finally {
        calls.push(`${name} out`);
      }
    };
    const first: Instrumentation = { command: around('first'), parked: () => calls.push('first parked'), eventMetadata: () => ({ traceparent: 't' }) };
    const second: Instrumentation = { command: around('second'), parked: () => calls.push('second parked'), eventMetadata: () => ({ tenant: 'x' }) };
    const both = instrumentations(first, second);

    const info = { kind: 'update' as const, aggregateType: 'T', aggregateId: 'a' };
    expect(await both.command!(info, async () => (calls.push('run'), 42))).toBe(42);
    expect(calls).toEqual(['first in', 'second in', 'run', 'second out', 'first out']);
    both.parked!('s', {} as never);
    expect(calls.slice(-2)).toEqual(['first parked', 'second parked']);
    expect(both.eventMetadata!()).toEqual({ traceparent: 't', tenant: 'x' });
    expect(both.handle).toBeUndefined();
    expect(both.publish).toBeUndefined();
  });

  it('keeps `this` of a class instance\'s methods', async () => {
    class Counting implements Instrumentation {
      seen = 0;
      parked(): void {
        this.seen++;
      }
    }
    const counting = new Counting();
    instrumentations(counting, {}).parked!('s', {} as never);
    expect(counting.seen).toBe(1);
  });
});
