import { Registry } from 'prom-client';
import { silentLogger } from '@eventloom/core';
import { embeddedEventloom } from '@eventloom/in-memory';
import { EventloomMetrics } from './eventloom-metrics';
import { metricNames } from './metric-names';
import { Tallies, Tally, TallyView } from '../test/tally';
import { parseExposition, sampleValue } from '../test/exposition';

describe('EventloomMetrics on an embedded Eventloom', () => {
  it('counts commands by outcome, handled, retried and parked events, and reads lag and repository counters at scrape time', async () => {
    const registry = new Registry();
    const metrics = new EventloomMetrics({ registry });
    const eventloom = embeddedEventloom({ instrumentation: metrics, logger: silentLogger, delivery: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1 } });
    metrics.watch(eventloom);
    const view = new TallyView();
    await eventloom.subscribe(view);
    try {
      const { repository } = eventloom;
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push((await repository.create(Tallies, new Tally(1))).id);
      await repository.update(Tallies, ids[0], new Tally(2));
      await repository.update(Tallies, ids[1], new Tally(-1)); // poison for the view
      await expect(repository.update(Tallies, 'no-such-tally', new Tally(1))).rejects.toThrow();
      await expect(repository.create(Tallies, new Tally(Number.NaN))).rejects.toThrow('not a number');
      await eventloom.caughtUp();

      const samples = parseExposition(await registry.metrics());
      const value = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);
      expect(value(metricNames.commands, { aggregate_type: 'PmTally', kind: 'create', outcome: 'ok' })).toBe(4);
      expect(value(metricNames.commands, { aggregate_type: 'PmTally', kind: 'update', outcome: 'ok' })).toBe(2);
      expect(value(metricNames.commands, { aggregate_type: 'PmTally', kind: 'update', outcome: 'failed' })).toBe(1);
      expect(value(metricNames.commands, { aggregate_type: 'PmTally', kind: 'create', outcome: 'failed' })).toBe(1);
      expect(value(`${metricNames.commandSeconds}_count`, { aggregate_type: 'PmTally', kind: 'update' })).toBe(3);

      expect(view.handled).toBe(5);
      expect(value(metricNames.handled, { subscriber: 'pm-tally-view' })).toBe(view.handled);
      expect(value(metricNames.parked, { subscriber: 'pm-tally-view' })).toBe(1);
      expect(value(metricNames.retried, { subscriber: 'pm-tally-view' })).toBe(2); // 3 tries: 2 retried, then parked
      expect(value(`${metricNames.handleSeconds}_count`, { subscriber: 'pm-tally-view' })).toBe(5 + 3);
      expect(value(metricNames.lagEvents, { subscriber: 'pm-tally-view' })).toBe(0);
      expect(value(metricNames.lagSeconds, { subscriber: 'pm-tally-view' })).toBe(0);
      expect(value(metricNames.loads)).toBe(eventloom.repository.metrics.loads);
      expect(value(metricNames.conflicts)).toBe(0);
      // The embedded transport has no publisher to lead.
      expect(value(metricNames.leader)).toBe(0);
    } finally {
      await eventloom.close();
    }
  });

  it('registers on a new registry of its own by default, so two instances do not clash', () => {
    const a = new EventloomMetrics();
    const b = new EventloomMetrics();
    expect(a.registry).not.toBe(b.registry);
    expect(a.registry.getSingleMetric(metricNames.handled)).toBeDefined();
  });
});
