import { Counter, Gauge, Registry } from 'prom-client';
import { Eventloom } from '@eventloom/core';
import { Publisher } from '@eventloom/core/spi';
import { metricNames } from './metric-names';

/**
 * The metrics read when Prometheus scrapes, from what EventloomMetrics
 * watches, instead of counted as work happens: each subscription's lag
 * (Eventloom.subscriptionProgress(), what health() judges too), the
 * repository's own counters (repository.metrics), the publisher's
 * leadership (status()) and backlog (backlog()).
 */
export function registerScrapedMetrics(registers: Registry[], watched: () => readonly Eventloom[], publisher: () => Publisher | undefined): void {
  const repositoryCounter = (name: string, help: string, read: (eventloom: Eventloom) => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        // Read from repository.metrics, the repository's own count, rather than counted a second time.
        this.reset();
        this.inc(watched().reduce((sum, e) => sum + read(e), 0));
      },
    });
  repositoryCounter(metricNames.conflicts, 'Appends that lost the optimistic-concurrency race', (e) => e.repository.metrics.conflicts);
  repositoryCounter(metricNames.loads, 'Aggregate reads from the store', (e) => e.repository.metrics.loads);
  repositoryCounter(metricNames.cacheHits, 'Commands decided on a cached aggregate without a read', (e) => e.repository.metrics.cacheHits);

  const progress = async () => (await Promise.all(watched().map((e) => e.subscriptionProgress()))).flat();
  new Gauge({
    name: metricNames.lagEvents,
    help: 'Events stored for a subscriber and not yet handled',
    labelNames: ['subscriber'],
    registers,
    async collect() {
      this.reset();
      for (const p of await progress()) this.set({ subscriber: p.subscriberId }, p.lagEvents);
    },
  });
  new Gauge({
    name: metricNames.lagSeconds,
    help: 'How far behind a subscriber is: 0 when caught up, else how late its latest event was handled, or how long it has been stalled if longer',
    labelNames: ['subscriber'],
    registers,
    async collect() {
      this.reset();
      for (const p of await progress()) this.set({ subscriber: p.subscriberId }, p.lagSeconds);
    },
  });

  new Gauge({
    name: metricNames.leader,
    help: '1 while this process leads the publication, else 0',
    registers,
    collect() {
      this.reset();
      const p = publisher();
      if (p) this.set(p.status().leader ? 1 : 0);
    },
  });
  new Gauge({
    name: metricNames.backlog,
    help: 'Events stored and not yet published',
    registers,
    async collect() {
      this.reset();
      const p = publisher();
      // A database that does not answer makes the gauge NaN for this scrape (not 0, which would read as no backlog), rather than failing the scrape.
      if (p?.backlog) this.set(await p.backlog().catch(() => Number.NaN));
    },
  });
}
