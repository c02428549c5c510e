import { Counter, CounterConfiguration, Histogram, HistogramConfiguration, LabelValues, MetricObjectWithValues, MetricValue, MetricValueWithName } from 'prom-client';

/**
 * prom-client's Counter and Histogram, recorded the cheap way. Their own
 * inc()/observe() validate and hash the labels on every call, which on a
 * command path costs more than the command's bookkeeping itself; here the
 * caller names each series once (a key it already has, e.g. the aggregate
 * type) and an update is a Map lookup and an addition. The exposition is
 * built at scrape time, in prom-client's own shape, so the registry serves
 * these like any other metric.
 */

interface CounterSeries<T extends string> {
  readonly labels: LabelValues<T>;
  value: number;
}

/** What the exposition says of a metric besides its values. */
function heading(configuration: { readonly name: string; readonly help: string; readonly aggregator?: string }, type: 'counter' | 'histogram') {
  return { name: configuration.name, help: configuration.help, type, aggregator: configuration.aggregator ?? 'sum' };
}

export class KeyedCounter<T extends string> extends Counter<T> {
  private readonly series = new Map<string, CounterSeries<T>>();
  private readonly heading: ReturnType<typeof heading>;

  constructor(configuration: CounterConfiguration<T>) {
    super(configuration);
    this.heading = heading(configuration, 'counter');
  }

  /** Adds `by` to the series `key`, whose labels are `labelsOf(key)` (asked only the first time). */
  add(key: string, labelsOf: (key: string) => LabelValues<T>, by = 1): void {
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = { labels: labelsOf(key), value: 0 }));
    series.value += by;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValue<T>>> {
    return {
      ...this.heading,
      values: [...this.series.values()].map(({ labels, value }) => ({ labels, value })),
    } as unknown as MetricObjectWithValues<MetricValue<T>>;
  }

  override reset(): void {
    // The base constructor resets before this class's fields exist.
    this.series?.clear();
  }
}

interface HistogramSeries<T extends string> {
  readonly labels: LabelValues<T>;
  /** Observations per bucket (not cumulative); the last counts those above every bound. */
  readonly counts: number[];
  sum: number;
  count: number;
}

export class KeyedHistogram<T extends string> extends Histogram<T> {
  private readonly series = new Map<string, HistogramSeries<T>>();
  private readonly bounds: readonly number[];
  private readonly heading: ReturnType<typeof heading>;

  constructor(configuration: HistogramConfiguration<T> & { readonly buckets: number[] }) {
    super(configuration);
    this.heading = heading(configuration, 'histogram');
    this.bounds = [...configuration.buckets].sort((a, b) => a - b);
  }

  /** Records `value` in the series `key`, whose labels are `labelsOf(key)` (asked only the first time). */
  record(key: string, labelsOf: (key: string) => LabelValues<T>, value: number): void {
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = { labels: labelsOf(key), counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 }));
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += value;
    series.count++;
  }

  /** What the registry reads for the text exposition (prom-client calls it when a metric has it). */
  async getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    const values: Array<MetricValueWithName<T>> = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += counts[i];
        values.push({ metricName: `${this.heading.name}_bucket`, labels: { ...labels, le } as LabelValues<T>, value: cumulative });
      });
      values.push({ metricName: `${this.heading.name}_bucket`, labels: { ...labels, le: '+Inf' } as LabelValues<T>, value: count });
      values.push({ metricName: `${this.heading.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.heading.name}_count`, labels, value: count });
    }
    return { ...this.heading, values } as unknown as MetricObjectWithValues<MetricValueWithName<T>>;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<T>>> {
    return this.getForPromString();
  }

  override reset(): void {
    // The base constructor resets before this class's fields exist.
    this.series?.clear();
  }
}
