import { randomBytes } from 'node:crypto';
import { EventContext, EventHandlerMethod, Eventloom, EventSubscriber, silentLogger } from '@eventloom/core';
import { createKafka, KafkaTransport, startPublisher } from '@eventloom/kafka';
import { MySqlDeadLetterStore, MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, percentile, round } from '../report/stats';
import { KAFKA_BROKERS, log, withDatabase } from '../support/mysql';
import { Account, AccountOpened, OpenAccount } from '../support/model';

/** Where the subscriber reports each event it handles (set per run). */
let onHandled: (aggregateId: string, at: number) => void = () => undefined;

@EventSubscriber('latency-bench')
class LatencySubscriber {
  @EventHandlerMethod(AccountOpened)
  opened(context: EventContext<AccountOpened>) {
    onHandled(context.aggregateId, performance.now());
  }
}

interface LatencyRun {
  readonly events: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly commitP50: number;
  readonly achievedRate: number;
}

/**
 * Benchmark 5: end-to-end latency from commit (repository.create resolved) to the
 * subscriber's handler, through MySqlEventStore, an in-process publisher and Kafka,
 * at a steady `rate` creates (one event each) per second.
 */
export async function latencyBenchmark(runs: number, rate = 500, seconds = 10, warmupSeconds = 1, initialWarmupSeconds = 3): Promise<Section> {
  const kafka = createKafka({ brokers: KAFKA_BROKERS.split(','), clientId: 'eventloom-bench', logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  const topicPrefix = `bench.latency.${randomBytes(4).toString('hex')}.`;
  try {
    return await withDatabase('latency', async (db) => {
      const store = new MySqlEventStore({ url: db.url });
      await store.ready();
      const publisher = await startPublisher({ pool: store.pool, kafka: { brokers: KAFKA_BROKERS }, topicPrefix, logger: silentLogger });
      const transport = new KafkaTransport({
        brokers: KAFKA_BROKERS,
        topicPrefix,
        groupIdPrefix: topicPrefix,
        publication: publisher,
        logger: silentLogger,
      });
      const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger });
      const results: LatencyRun[] = [];
      try {
        await eventloom.subscribe(new LatencySubscriber());
        // Steady state first: JIT, pool connections, producer and consumer warmed at the same rate; not counted.
        await oneRun(eventloom, rate, 0, initialWarmupSeconds);
        for (let run = 0; run < runs; run++) {
          results.push(await oneRun(eventloom, rate, seconds, warmupSeconds));
          const r = results[results.length - 1];
          log(`latency: run ${run + 1}/${runs}: p50 ${round(r.p50, 1)} ms, p99 ${round(r.p99, 1)} ms`);
        }
      } finally {
        await publisher.stop();
        await eventloom.close();
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
        await admin.deleteTopics({ topics }).catch(() => undefined);
        await admin.deleteGroups([`${topicPrefix}latency-bench`]).catch(() => undefined);
      }
      const p50 = median(results.map((r) => r.p50));
      const p99 = median(results.map((r) => r.p99));
      const commitP50 = median(results.map((r) => r.commitP50));
      const saturated =
        commitP50 > 20
          ? [
              `create() itself took ${round(commitP50, 0)} ms at the median: commands queued for pool connections, i.e. the store did not keep up with ${rate} creates/s while the publisher, the consumer and Kafka ran beside it on the same machine (saturated: figures measured under overload).`,
            ]
          : [];
      return {
        title: '5. End-to-end latency: commit → subscriber handler through Kafka',
        target: `at ${rate} events/s: p50 < 25 ms and p99 < 100 ms`,
        met: p50 < 25 && p99 < 100,
        columns: ['rate (events/s)', 'p50 (ms)', 'p99 (ms)', 'max (ms)', 'commit itself, p50 (ms)'],
        rows: [[round(median(results.map((r) => r.achievedRate)), 0), round(p50, 1), round(p99, 1), round(median(results.map((r) => r.max)), 1), round(commitP50, 2)]],
        notes: [
          `Each event is one repository.create on MySqlEventStore; its commit time is taken when create() resolves, and the handler records now − commit time. Publisher in process on the store's pool (default settings: poll every 25 ms when idle), KafkaTransport with default consumer settings, one local broker.`,
          `${runs} runs of ${seconds} s at a steady ${rate}/s (after ${initialWarmupSeconds} s of warm-up before the first run and ${warmupSeconds} s before each, at the same rate, not counted); p50/p99/max are medians over the runs. Creates are issued open-loop (on schedule, not waiting for earlier ones).`,
          ...saturated,
        ],
        data: results,
      };
    });
  } finally {
    await admin.disconnect();
  }
}

async function oneRun(eventloom: Eventloom, rate: number, seconds: number, warmupSeconds: number): Promise<LatencyRun> {
  const committed = new Map<string, number>();
  const arrived = new Map<string, number>();
  const counted = new Set<string>();
  const latencies: number[] = [];
  const commits: number[] = [];
  onHandled = (id, at) => {
    const t = committed.get(id);
    if (t === undefined) arrived.set(id, at); // handled before create()'s continuation ran
    else if (counted.has(id)) latencies.push(at - t);
    if (t !== undefined) committed.delete(id);
  };
  const total = Math.round(rate * (seconds + warmupSeconds));
  const warmup = Math.round(rate * warmupSeconds);
  const pending: Array<Promise<void>> = [];
  const started = performance.now();
  let issued = 0;
  const issue = (n: number) => {
    const count = n >= warmup;
    const p = (async () => {
      const t0 = performance.now();
      const { id } = await eventloom.repository.create(Account, new OpenAccount(`owner-${n}`));
      const t = performance.now();
      if (count) {
        counted.add(id);
        commits.push(t - t0);
      }
      const early = arrived.get(id);
      if (early !== undefined) {
        arrived.delete(id);
        if (count) latencies.push(Math.max(0, early - t));
      } else committed.set(id, t);
    })();
    pending.push(p);
  };
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (issued < due) issue(issued++);
      if (issued >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 2);
  });
  const issueMillis = performance.now() - started;
  await Promise.all(pending);
  const deadline = performance.now() + 30_000;
  while (latencies.length < counted.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (latencies.length < counted.size) throw new Error(`latency: ${counted.size - latencies.length} events never reached the subscriber`);
  if (latencies.length === 0) return { events: 0, p50: NaN, p99: NaN, max: NaN, commitP50: NaN, achievedRate: (total / issueMillis) * 1000 };
  return {
    events: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    commitP50: percentile(commits, 50),
    achievedRate: (total / issueMillis) * 1000,
  };
}
