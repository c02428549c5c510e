import { Counter, Histogram, Registry } from 'prom-client';
import { CommandInfo, Eventloom, HandleInfo, Instrumentation, OptimisticConcurrencyError, PublishInfo } from '@eventloom/core';
import { Publisher } from '@eventloom/core/spi';
import { metricNames } from './metric-names';
import { KeyedCounter, KeyedHistogram } from './keyed-series';
import { registerScrapedMetrics } from './scraped-metrics';

export interface EventloomMetricsOptions {
  /** Where the metrics are registered (default: a new Registry); serve it with `registry.metrics()`. */
  readonly registry?: Registry;
  /** Bucket bounds, seconds, of the duration histograms (default: 1 ms to 10 s). */
  readonly buckets?: readonly number[];
}

/** Joins label values into a series key (no aggregate type or subscriber id holds it). */
const SEP = '\u0000';
const commandLabels = (key: string) => {
  const [kind, aggregateType] = key.split(SEP);
  return { kind, aggregate_type: aggregateType };
};
const commandOutcomeLabels = (key: string) => {
  const [kind, aggregateType, outcome] = key.split(SEP);
  return { kind, aggregate_type: aggregateType, outcome };
};
const aggregateTypeLabels = (aggregateType: string) => ({ aggregate_type: aggregateType });
const subscriberLabels = (subscriber: string) => ({ subscriber });

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

  private readonly commands: KeyedCounter<'aggregate_type' | 'kind' | 'outcome'>;
  private readonly commandSeconds: KeyedHistogram<'aggregate_type' | 'kind'>;
  private readonly commandRetries: Counter<'aggregate_type' | 'reason'>;
  private readonly loadSeconds: KeyedHistogram<'aggregate_type'>;
  private readonly handled: KeyedCounter<'subscriber'>;
  private readonly retriedCount: Counter<'subscriber'>;
  private readonly parkedCount: Counter<'subscriber'>;
  private readonly handleSeconds: KeyedHistogram<'subscriber'>;
  private readonly publishedEvents: Counter;
  private readonly publishSeconds: Histogram;

  constructor(options: EventloomMetricsOptions = {}) {
    const registry = (this.registry = options.registry ?? new Registry());
    const registers = [registry];
    const buckets = [...(options.buckets ?? defaultBuckets)];

    this.commands = new KeyedCounter({ name: metricNames.commands, help: 'Commands run by the repository, by outcome (ok, conflict: gave up on the optimistic-concurrency race, failed)', labelNames: ['aggregate_type', 'kind', 'outcome'], registers });
    this.commandSeconds = new KeyedHistogram({ name: metricNames.commandSeconds, help: 'Time of a command, loads, retries and append included', labelNames: ['aggregate_type', 'kind'], buckets, registers });
    this.commandRetries = new Counter({ name: metricNames.commandRetries, help: 'Commands tried again after a lost optimistic-concurrency race (conflict) or a transient store error', labelNames: ['aggregate_type', 'reason'], registers });
    this.loadSeconds = new KeyedHistogram({ name: metricNames.loadSeconds, help: 'Time to load an aggregate from the store (snapshot and events since)', labelNames: ['aggregate_type'], buckets, registers });
    this.handled = new KeyedCounter({ name: metricNames.handled, help: 'Events (and messages) a consumer handled', labelNames: ['subscriber'], registers });
    this.retriedCount = new Counter({ name: metricNames.retried, help: 'Failed tries that are tried again (outages included)', labelNames: ['subscriber'], registers });
    this.parkedCount = new Counter({ name: metricNames.parked, help: 'Events given up on and parked', labelNames: ['subscriber'], registers });
    this.handleSeconds = new KeyedHistogram({ name: metricNames.handleSeconds, help: 'Time of one try of a handler, failed tries included', labelNames: ['subscriber'], buckets, registers });
    this.publishedEvents = new Counter({ name: metricNames.published, help: 'Events the publisher sent and the sink accepted (resends included); rate() is the publish rate', registers });
    this.publishSeconds = new Histogram({ name: metricNames.publishSeconds, help: 'Time of one batch sent to the sink (Kafka: until acknowledged)', buckets, registers });
    // What is not counted here but read, at each scrape, from what this instance watches.
    registerScrapedMetrics(registers, () => [...this.eventlooms], () => this.publisher);
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

  // Not async functions: a plain promise chain costs one promise less per call, on every command and handler try.
  readonly command = <T>(info: CommandInfo, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const key = `${info.kind}${SEP}${info.aggregateType}`;
    const done = (outcome: string) => {
      this.commandSeconds.record(key, commandLabels, (performance.now() - started) / 1000);
      this.commands.add(`${key}${SEP}${outcome}`, commandOutcomeLabels);
    };
    return run().then(
      (result) => (done('ok'), result),
      (error: unknown) => {
        done(error instanceof OptimisticConcurrencyError ? 'conflict' : 'failed');
        throw error;
      },
    );
  };

  loaded(aggregateType: string, seconds: number): void {
    this.loadSeconds.record(aggregateType, aggregateTypeLabels, seconds);
  }

  commandRetried(aggregateType: string, reason: 'conflict' | 'transient'): void {
    this.commandRetries.inc({ aggregate_type: aggregateType, reason });
  }

  readonly handle = <T>(info: HandleInfo, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const subscriber = info.consumerId;
    const timed = () => this.handleSeconds.record(subscriber, subscriberLabels, (performance.now() - started) / 1000);
    return run().then(
      (result) => {
        timed();
        this.handled.add(subscriber, subscriberLabels);
        return result;
      },
      (error: unknown) => {
        timed();
        throw error;
      },
    );
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

}
