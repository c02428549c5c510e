import { runKeyOrderedBatch } from './key-ordered-batch';
import { HandledVersions } from './handled-versions';

const tick = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3));

describe('key-ordered batch', () => {
  it('runs one key in order, keys concurrently, and resolves offsets as an unbroken run', async () => {
    const ran: string[] = [];
    const resolved: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const items = Array.from({ length: 60 }, (_, i) => ({
      offset: String(i),
      key: `k${i % 6}`,
      run: i % 10 === 9 ? undefined : async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await tick();
        ran.push(`k${i % 6}:${i}`);
        running--;
      },
    }));
    const result = await runKeyOrderedBatch(items, { maxConcurrentKeys: 3, resolve: (o) => resolved.push(o), shouldStop: () => false });
    expect(result).toEqual({ stopped: false });
    expect(resolved).toEqual(items.map((i) => i.offset));
    expect(maxRunning).toBeLessThanOrEqual(3);
    expect(maxRunning).toBeGreaterThan(1);
    for (let k = 0; k < 6; k++) {
      const order = ran.filter((r) => r.startsWith(`k${k}:`)).map((r) => Number(r.split(':')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('stops at the first failure and resolves nothing past it', async () => {
    const resolved: string[] = [];
    const items = [
      { offset: '0', key: 'a', run: async () => {} },
      { offset: '1', key: 'b', run: async () => Promise.reject(new Error('boom')) },
      { offset: '2', key: 'a', run: async () => {} },
      { offset: '3', key: 'c' },
    ];
    const result = await runKeyOrderedBatch(items, { maxConcurrentKeys: 1, resolve: (o) => resolved.push(o), shouldStop: () => false });
    expect((result.failed as Error).message).toBe('boom');
    expect(resolved).toEqual(['0']);
  });
});

describe('key-ordered batch, several items per offset (a multi-message record)', () => {
  it('resolves an offset only once every item of it is done', async () => {
    const resolved: string[] = [];
    let releaseSecond!: () => void;
    const second = new Promise<void>((resolve) => (releaseSecond = resolve));
    const items = [
      { offset: '5', key: 'a', run: async () => undefined },
      { offset: '5', key: 'b', run: () => second },
      { offset: '6', key: 'a', run: async () => undefined },
    ];
    const running = runKeyOrderedBatch(items, { maxConcurrentKeys: 2, resolve: (o) => resolved.push(o), shouldStop: () => false });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(resolved).toEqual([]);
    releaseSecond();
    await running;
    expect(resolved).toEqual(['5', '6']);
  });
});

describe('handled versions', () => {
  const v = (version: number, eventId = `id-${String(version).padStart(4, '0')}`) => ({ version, eventId });

  it('recognises repeats per aggregate by version and forgets the least recently used', () => {
    const versions = new HandledVersions(2);
    versions.record('a', v(1));
    versions.record('a', v(2));
    expect(versions.isRepeat('a', v(2))).toBe(true);
    expect(versions.isRepeat('a', v(3))).toBe(false);
    versions.record('b', v(1));
    versions.record('c', v(1));
    expect(versions.size).toBe(2);
    expect(versions.isRepeat('a', v(1))).toBe(false);
    expect(versions.isRepeat('c', v(1))).toBe(true);
  });

  it("without versions (Eventuate's events), orders an aggregate's events by event id", () => {
    const handled = new HandledVersions();
    const first = { version: 0, eventId: '000001a2-22b0-596d-02fc-000000010000' };
    const second = { version: 0, eventId: '000001a2-22b0-596d-02fc-000000020000' };
    handled.record('a', first);
    expect(handled.isRepeat('a', first)).toBe(true);
    expect(handled.isRepeat('a', second)).toBe(false);
    handled.record('a', second);
    expect(handled.isRepeat('a', first)).toBe(true);
    expect(handled.isRepeat('a', second)).toBe(true);
  });
});
