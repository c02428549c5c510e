import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AggregateRepository, Eventloom, silentLogger } from '@eventloom/core';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlInProcessTransport } from '@eventloom/mysql';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { EventloomMetrics } from './eventloom-metrics';
import { metricNames } from './metric-names';
import { Tallies, Tally, TallyView } from '../test/tally';
import { parseExposition, sampleValue } from '../test/exposition';

/** Serves the registry as a service would, so the test reads what Prometheus reads. */
async function serve(metrics: EventloomMetrics): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, server };
}

describe('EventloomMetrics on MariaDB (in-process publisher and subscriptions), scraped over HTTP', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('metrics', { migrated: true });
  });
  afterAll(() => db.drop());

  it('reports the work done: commands, conflicts and retries, published events, handled and parked events, lag, leadership and backlog', async () => {
    const metrics = new EventloomMetrics();
    const store = new MySqlEventStore({ url: db.url });
    await store.ready();
    const deadLetters = await MySqlDeadLetterStore.of(store).ready();
    const { transport, publisher } = await mysqlInProcessTransport(store, { instrumentation: metrics, logger: silentLogger, pollIntervalMs: 10 });
    const eventloom = new Eventloom({
      eventStore: store,
      transport,
      deadLetters,
      instrumentation: metrics,
      logger: silentLogger,
      delivery: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
    });
    metrics.watch(eventloom);
    const { url, server } = await serve(metrics);
    const view = new TallyView();
    await eventloom.subscribe(view);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await eventloom.repository.create(Tallies, new Tally(1))).id);
      for (const id of ids.slice(0, 6)) await eventloom.repository.update(Tallies, id, new Tally(2));
      // Another process (a repository without a cache) appends to ids[0]: our cached copy is stale, so our next command conflicts once and is retried.
      await new AggregateRepository(store, { cache: false }).update(Tallies, ids[0], new Tally(5));
      await eventloom.repository.update(Tallies, ids[0], new Tally(3));
      await eventloom.repository.update(Tallies, ids[1], new Tally(-1)); // poison for the view: parked after 3 tries
      await eventloom.caughtUp();

      const response = await fetch(url);
      expect(response.headers.get('content-type')).toBe(metrics.registry.contentType);
      const samples = parseExposition(await response.text());
      const value = (name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels);
      const storedEvents = 12 + 6 + 1 + 1 + 1;

      expect(value(metricNames.commands, { aggregate_type: 'PmTally', kind: 'create', outcome: 'ok' })).toBe(12);
      expect(value(metricNames.commands, { aggregate_type: 'PmTally', kind: 'update', outcome: 'ok' })).toBe(8);
      expect(value(metricNames.conflicts)).toBe(1);
      expect(value(metricNames.commandRetries, { aggregate_type: 'PmTally', reason: 'conflict' })).toBe(1);
      expect(value(`${metricNames.loadSeconds}_count`, { aggregate_type: 'PmTally' })).toBe(eventloom.repository.metrics.loads);

      expect(value(metricNames.published)).toBe(storedEvents);
      expect(value(`${metricNames.publishSeconds}_count`)).toBeGreaterThan(0);
      expect(value(metricNames.leader)).toBe(1);
      expect(value(metricNames.backlog)).toBe(0);

      expect(view.handled).toBe(storedEvents - 1);
      expect(value(metricNames.handled, { subscriber: 'pm-tally-view' })).toBe(view.handled);
      expect(value(metricNames.parked, { subscriber: 'pm-tally-view' })).toBe(1);
      expect(await deadLetters.list('pm-tally-view')).toHaveLength(1);
      expect(value(metricNames.retried, { subscriber: 'pm-tally-view' })).toBe(2);
      expect(value(metricNames.lagEvents, { subscriber: 'pm-tally-view' })).toBe(0);
      expect(value(metricNames.lagSeconds, { subscriber: 'pm-tally-view' })).toBe(0);

      // With the publisher stopped, a new event waits: the backlog counts it, and no one leads here.
      await publisher.stop();
      await eventloom.repository.create(Tallies, new Tally(1));
      const after = parseExposition(await (await fetch(url)).text());
      expect(sampleValue(after, metricNames.backlog)).toBe(1);
      expect(sampleValue(after, metricNames.leader)).toBe(0);

      // With the database gone (the store's pool closed), the backlog is unknown: NaN, not 0, and the scrape still answers.
      await eventloom.close();
      const closed = parseExposition(await (await fetch(url)).text());
      expect(sampleValue(closed, metricNames.backlog)).toBeNaN();
    } finally {
      server.close();
      await eventloom.close();
    }
  });
});
