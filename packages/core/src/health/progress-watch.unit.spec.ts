import { ProgressWatch } from './progress-watch';
import { boundedCheck } from './health-checks';

describe('ProgressWatch', () => {
  let now = 0;
  const watch = () => new ProgressWatch(() => now);
  beforeEach(() => (now = 1_000_000));

  it('counts a stall from the first check that sees events waiting, not from the last event of an idle spell', () => {
    const w = watch();
    now += 3_600_000; // idle for an hour
    expect(w.stalledFor(3)).toBe(0);
    now += 5_000;
    expect(w.stalledFor(3)).toBe(5_000);
  });

  it('restarts the clock when an event is handled or the lag shrinks, and stops it when caught up', () => {
    const w = watch();
    w.stalledFor(5);
    now += 10_000;
    w.progressed();
    now += 1_000;
    expect(w.stalledFor(5)).toBe(1_000);
    now += 4_000;
    expect(w.stalledFor(4)).toBe(0);
    now += 2_000;
    expect(w.stalledFor(0)).toBe(0);
    now += 2_000;
    expect(w.stalledFor(4)).toBe(0);
  });
});

describe('ProgressWatch.lagSeconds', () => {
  let now = 0;
  beforeEach(() => (now = 1_000_000));

  it('is 0 when caught up, else how late the latest event was handled, or how long it has been stalled if longer', () => {
    const w = new ProgressWatch(() => now);
    w.progressed(new Date(now - 2_500)); // handled 2.5 s after it was stored
    expect(w.lagSeconds(0)).toBe(0);
    expect(w.lagSeconds(3)).toBe(2.5);
    w.stalledFor(3); // a health check sees the lag from now on
    now += 10_000;
    expect(w.lagSeconds(3)).toBe(10);
    expect(w.stalledFor(3)).toBe(10_000); // reading the lag moved nothing
  });
});

describe('boundedCheck', () => {
  it('turns a hang into a failed check naming the time, and a throw into one naming the error', async () => {
    expect(await boundedCheck('store', 20, () => new Promise(() => {}))).toEqual({ component: 'store', ok: false, detail: 'did not answer within 20 ms' });
    expect(await boundedCheck('store', 1000, async () => Promise.reject(new Error('connect ECONNREFUSED')))).toEqual({
      component: 'store',
      ok: false,
      detail: 'unavailable: connect ECONNREFUSED',
    });
  });
});
