import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppendInfo, CommandInfo, Eventloom, HandleInfo, Instrumentation, OptimisticConcurrencyError, PublishInfo } from '@eventloom/core';
import { Publisher } from '@eventloom/core/spi';
import { metricNames } from './metric-names';

export interface EventloomMetricsOptions {
  /** Where the metrics are registered (default: a new Registry); serve it with `registry.metrics()`. */
  readonly registry?: Registry;
  /** Bucket bounds, seconds, of the duration histograms (default: 1 ms to 10 s). */
  readonly buckets?: readonly number[];
}

const defaultBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Eventloom's Prometheus metrics: an Instrumentation (give it to Eventloom
 * and the publisher as `instrumentation`) that counts and times commands,
 * handler tries and published batches, plus gauges read at scrape time from
 * what it watches (subscription lag, the publisher's backlog and
 * leadership, the repository's counters).
 *
 * ```ts
 * const metrics = new EventloomMetrics();
 * const eventloom = new Eventloom({ ..., instrumentation: metrics });
 * metrics.watch(eventloom);
 * app.get('/metrics', async (_, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
 * ```
 */
export class EventloomMetrics implements Instrumentation {
  readonly registry: Registry;
  private readonly eventlooms = new Set<Eventloom>();
  private publisher?: Publisher;

  private readonly commands: Counter<'aggregate_type' | 'kind' | 'outcome'>;
  private readonly commandSeconds: Histogram<'aggregate_type' | 'kind'>;
  private readonly commandRetries: Counter<'aggregate_type' | 'reason'>;
  private readonly appendSeconds: Histogram<'aggregate_type'>;
  private readonly loadSeconds: Histogram<'aggregate_type'>;
  private readonly handled: Counter<'subscriber'>;
  private readonly retriedCount: Counter<'subscriber'>;
  private readonly parkedCount: Counter<'subscriber'>;
  private readonly handleSeconds: Histogram<'subscriber'>;
  private readonly publishedEvents: Counter;
  private readonly publishSeconds: Histogram;
  // Children per label value, found once: a label lookup hashes its values on every call.
  private readonly handleChildren = new Map<string, { seconds: Histogram.Internal<'subscriber'>; handled: Counter.Internal }>();

  constructor(options: EventloomMetricsOptions = {}) {
    const registry = (this.registry = options.registry ?? new Registry());
    const registers = [registry];
    const buckets = [...(options.buckets ?? defaultBuckets)];
    const watched = () => [...this.eventlooms];

    this.commands = new Counter({ name: metricNames.commands, help: 'Commands run by the repository, by outcome (ok, conflict: gave up on the optimistic-concurrency race, failed)', labelNames: ['aggregate_type', 'kind', 'outcome'], registers });
    this.commandSeconds = new Histogram({ name: metricNames.commandSeconds, help: 'Time of a command, loads, retries and append included', labelNames: ['aggregate_type', 'kind'], buckets, registers });
    this.commandRetries = new Counter({ name: metricNames.commandRetries, help: 'Commands tried again after a lost optimistic-concurrency race (conflict) or a transient store error', labelNames: ['aggregate_type', 'reason'], registers });
    this.appendSeconds = new Histogram({ name: metricNames.appendSeconds, help: 'Time of one append to the event store', labelNames: ['aggregate_type'], buckets, registers });
    this.loadSeconds = new Histogram({ name: metricNames.loadSeconds, help: 'Time to load an aggregate from the store (snapshot and events since)', labelNames: ['aggregate_type'], buckets, registers });
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

    this.handled = new Counter({ name: metricNames.handled, help: 'Events (and messages) a consumer handled', labelNames: ['subscriber'], registers });
    this.retriedCount = new Counter({ name: metricNames.retried, help: 'Failed tries that are tried again (outages included)', labelNames: ['subscriber'], registers });
    this.parkedCount = new Counter({ name: metricNames.parked, help: 'Events given up on and parked', labelNames: ['subscriber'], registers });
    this.handleSeconds = new Histogram({ name: metricNames.handleSeconds, help: 'Time of one try of a handler, failed tries included', labelNames: ['subscriber'], buckets, registers });
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

    const publisher = () => this.publisher;
    this.publishedEvents = new Counter({ name: metricNames.published, help: 'Events the publisher sent and the sink accepted (resends included); rate() is the publish rate', registers });
    this.publishSeconds = new Histogram({ name: metricNames.publishSeconds, help: 'Time of one batch sent to the sink (Kafka: until acknowledged)', buckets, registers });
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
        // A database that does not answer leaves the gauge out of this scrape rather than failing it.
        if (p?.backlog) await p.backlog().then((n) => this.set(n), () => undefined);
      },
    });
  }

  /** Reads this Eventloom's subscription lag and repository counters at every scrape, and its transport's publisher when it has one. */
  watch(eventloom: Eventloom): this {
    this.eventlooms.add(eventloom);
    if (eventloom.transport.publisher) this.publisher ??= eventloom.transport.publisher;
    return this;
  }

  /** Reads this publisher's leadership and backlog at every scrape (a publisher the Eventloom's transport does not know: a Kafka publisher). */
  watchPublisher(publisher: Publisher): this {
    this.publisher = publisher;
    return this;
  }

  readonly command = async <T>(info: CommandInfo, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    let outcome = 'failed';
    try {
      const result = await run();
      outcome = 'ok';
      return result;
    } catch (error) {
      if (error instanceof OptimisticConcurrencyError) outcome = 'conflict';
      throw error;
    } finally {
      const labels = { aggregate_type: info.aggregateType, kind: info.kind };
      this.commandSeconds.observe(labels, (performance.now() - started) / 1000);
      this.commands.inc({ ...labels, outcome });
    }
  };

  readonly append = async <T>(info: AppendInfo, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.appendSeconds.observe({ aggregate_type: info.aggregateType }, (performance.now() - started) / 1000);
    }
  };

  loaded(aggregateType: string, seconds: number): void {
    this.loadSeconds.observe({ aggregate_type: aggregateType }, seconds);
  }

  commandRetried(aggregateType: string, reason: 'conflict' | 'transient'): void {
    this.commandRetries.inc({ aggregate_type: aggregateType, reason });
  }

  readonly handle = async <T>(info: HandleInfo, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const children = this.handleChildrenOf(info.consumerId);
    try {
      const result = await run();
      children.handled.inc();
      return result;
    } finally {
      children.seconds.observe((performance.now() - started) / 1000);
    }
  };

  retried(info: HandleInfo): void {
    this.retriedCount.inc({ subscriber: info.consumerId });
  }

  parked(consumerId: string): void {
    this.parkedCount.inc({ subscriber: consumerId });
  }

  readonly publish = async <T>(info: PublishInfo, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    this.publishSeconds.observe((performance.now() - started) / 1000);
    this.publishedEvents.inc(info.events.length);
    return result;
  };

  private handleChildrenOf(subscriber: string) {
    let children = this.handleChildren.get(subscriber);
    if (!children) {
      children = { seconds: this.handleSeconds.labels(subscriber), handled: this.handled.labels(subscriber) };
      this.handleChildren.set(subscriber, children);
    }
    return children;
  }
}
