import { fork, ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '@eventloom/core';
import { createKafka } from '@eventloom/kafka';
import { MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { KAFKA_BROKERS, log, withDatabase } from '../support/mysql';
import { BALANCES_DDL, checkView } from '../views/balances-view';
import { Backlog, fillBacklog, PER_ACCOUNT } from '../views/views.bench';
import type { InstanceReport } from './subscriber-instance';

type Kind = 'count' | 'view';

interface Measurement {
  readonly run: number;
  readonly kind: Kind;
  readonly instances: number;
  /** From starting the instances' processes (joining included) until every event was handled. */
  readonly totalMillis: number;
  /** From the moment every instance had handled an event until the last event: all instances consuming. */
  readonly consumingMillis: number;
  /** Events handled per second in that window (the first instance alone before the others joined is not in it). */
  readonly eventsPerSecond: number;
  /** Share of the backlog handled in that window. */
  readonly windowShare: number;
  /** Handled more than once (at-least-once across a rebalance); the count subscriber has no dedup of its own across processes. */
  readonly repeats: number;
  readonly perInstance: number[];
  readonly loadBefore: number;
}

/**
 * Item 6 of issue 12: one subscriber's throughput from Kafka with 1 and with 2 consumer instances (processes) in its
 * consumer group, on a topic of 4 partitions. Each run, each instance count reads the whole backlog in a new group.
 * Kinds: count (a handler that only counts: the consumer path) and view (the batched MySQL view of section 7).
 * BENCH_SCALE_OUT_EVENTS (default 200,000), BENCH_SCALE_OUT_KINDS (default count,view).
 */
export async function scaleOutBenchmark(runs: number, events = Number(process.env.BENCH_SCALE_OUT_EVENTS ?? 200_000)): Promise<Section> {
  const kinds = (process.env.BENCH_SCALE_OUT_KINDS ?? 'count,view').split(',').map((k) => k.trim() as Kind);
  const accounts = Math.ceil(events / PER_ACCOUNT);
  const total = accounts * PER_ACCOUNT;
  return withDatabase('scaleout', async (db) => {
    const store = new MySqlEventStore({ url: db.url, poolSize: 10 });
    const backlog: Backlog = { store, events: total, accounts, topicPrefix: `bench.scaleout.${randomBytes(4).toString('hex')}.` };
    const kafka = createKafka({ brokers: KAFKA_BROKERS.split(','), clientId: 'eventloom-bench', logger: silentLogger });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const fill = await fillBacklog(db.url, backlog);
      await store.pool.query(BALANCES_DDL);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(backlog.topicPrefix));
      const partitions = (await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t)))).map((p) => p.length);
      const results: Measurement[] = [];
      for (let run = 0; run < runs; run++) {
        for (const kind of kinds) {
          for (const instances of run % 2 === 0 ? [1, 2] : [2, 1]) {
            await store.pool.query('TRUNCATE TABLE balances');
            await store.pool.query('TRUNCATE TABLE received_events');
            const m = await measure(db.url, backlog, kind, instances, run);
            if (kind === 'view') await checkView(store.pool, accounts, total - accounts);
            results.push(m);
            log(
              `scale-out: run ${run + 1}/${runs} ${kind} × ${instances}: ${Math.round(m.eventsPerSecond)} events/s with all consuming (${Math.round(m.windowShare * 100)}% of the backlog; ${(m.totalMillis / 1000).toFixed(1)} s with joining; per instance ${m.perInstance.join(', ')}; repeats ${m.repeats}; load ${m.loadBefore.toFixed(1)})`,
            );
          }
        }
      }
      return section(results, kinds, runs, total, partitions, fill);
    } finally {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(backlog.topicPrefix));
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
      await store.close();
    }
  });
}

async function measure(mysqlUrl: string, backlog: Backlog, kind: Kind, instances: number, run: number): Promise<Measurement> {
  const loadBefore = os.loadavg()[0];
  const options = {
    mysqlUrl,
    brokers: KAFKA_BROKERS,
    topicPrefix: backlog.topicPrefix,
    groupIdPrefix: `scaleout.${randomBytes(4).toString('hex')}.`,
    subscriberId: `scale-out-${kind}`,
    kind,
  };
  const started = performance.timeOrigin + performance.now();
  const reports: InstanceReport[] = Array.from({ length: instances }, () => ({ handled: 0 }));
  const children: ChildProcess[] = [];
  /** Events handled by all instances together, over time (each report updates it). */
  const samples: Array<{ at: number; handled: number }> = [];
  let failed: Error | undefined;
  for (let i = 0; i < instances; i++) {
    const child = fork(path.join(__dirname, 'subscriber-instance.js'), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: { type: string; report?: InstanceReport }) => {
      if (!message.report) return;
      reports[i] = message.report;
      samples.push({ at: performance.timeOrigin + performance.now(), handled: reports.reduce((sum, r) => sum + r.handled, 0) });
    });
    child.on('exit', (code) => {
      if (code !== 0) failed ??= new Error(`scale-out: instance ${i + 1} exited with ${code}`);
    });
    children.push(child);
  }
  const handled = () => reports.reduce((sum, r) => sum + r.handled, 0);
  const startedAt = performance.now();
  let nextProgress = startedAt + 5_000;
  while (handled() < backlog.events) {
    if (failed) throw failed;
    if (performance.now() > nextProgress) {
      nextProgress += 5_000;
      log(`  ${kind} × ${instances}: ${handled().toLocaleString('en')}/${backlog.events.toLocaleString('en')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const finals = await Promise.all(
    children.map(
      (child, i) =>
        new Promise<InstanceReport>((resolve) => {
          child.on('message', (message: { type: string; report?: InstanceReport }) => message.type === 'stopped' && resolve(message.report!));
          child.on('exit', () => resolve(reports[i]));
          child.send({ type: 'stop' });
        }),
    ),
  );
  // The window in which every instance was consuming: from the latest first event to the last event.
  if (finals.some((r) => r.firstAt === undefined)) log(`  ${kind} × ${instances}: an instance handled nothing (it joined after the others had read everything)`);
  const windowStart = Math.max(...finals.map((r) => r.firstAt ?? Infinity));
  const lastAt = Math.max(...finals.filter((r) => r.lastAt !== undefined).map((r) => r.lastAt!));
  const sum = finals.reduce((s, r) => s + r.handled, 0);
  const handledAtStart = [...samples].reverse().find((sample) => sample.at <= windowStart)?.handled ?? 0;
  return {
    run,
    kind,
    instances,
    totalMillis: lastAt - started,
    consumingMillis: lastAt - windowStart,
    eventsPerSecond: ((sum - handledAtStart) / (lastAt - windowStart)) * 1000,
    windowShare: (sum - handledAtStart) / sum,
    repeats: sum - backlog.events,
    perInstance: finals.map((r) => r.handled),
    loadBefore,
  };
}

function section(results: Measurement[], kinds: Kind[], runs: number, total: number, partitions: number[], fill: { storeMillis: number; publishMillis: number }): Section {
  const of = (kind: Kind, instances: number) => results.filter((r) => r.kind === kind && r.instances === instances);
  const rate = (kind: Kind, instances: number) => median(of(kind, instances).map((m) => m.eventsPerSecond));
  const ratio = (kind: Kind) => median(of(kind, 2).map((m) => m.eventsPerSecond / of(kind, 1).find((r) => r.run === m.run)!.eventsPerSecond));
  const label = { count: 'handler that only counts (the consumer path)', view: 'batched MySQL view (section 7\'s, runs of 500)' };
  return {
    title: `8. Scale-out: one subscriber with 1 and with 2 consumer instances on ${partitions.join('/')} partitions (${total.toLocaleString('en')} events)`,
    target: `none on ${os.cpus().length} cores (issue 12, item 6): the ratio 2 instances / 1 is measured`,
    met: 'no target',
    columns: [
      'subscriber',
      '1 instance: events/s (median)',
      '2 instances: events/s (median)',
      '2 / 1 (median of per-run ratios)',
      'whole backlog incl. joining, s: 1 / 2 instances (median)',
      'share of the backlog in the window: 1 / 2 instances (median)',
      'runs, events/s 1 → 2 (load before)',
      'events handled twice (2 instances, per run)',
    ],
    rows: kinds.map((kind) => [
      label[kind],
      round(rate(kind, 1), 0),
      round(rate(kind, 2), 0),
      round(ratio(kind), 2),
      `${round(median(of(kind, 1).map((m) => m.totalMillis)) / 1000, 1)} / ${round(median(of(kind, 2).map((m) => m.totalMillis)) / 1000, 1)}`,
      `${round(median(of(kind, 1).map((m) => m.windowShare)), 2)} / ${round(median(of(kind, 2).map((m) => m.windowShare)), 2)}`,
      of(kind, 1)
        .map((one) => {
          const two = of(kind, 2).find((m) => m.run === one.run)!;
          return `${Math.round(one.eventsPerSecond)} → ${Math.round(two.eventsPerSecond)} (${one.loadBefore.toFixed(1)}, ${two.loadBefore.toFixed(1)})`;
        })
        .join('; '),
      of(kind, 2)
        .map((m) => `${m.repeats} (split ${m.perInstance.join('/')})`)
        .join('; '),
    ]),
    notes: [
      `Backlog: ${(total / PER_ACCOUNT).toLocaleString('en')} accounts × ${PER_ACCOUNT} events stored through the repository (${(fill.storeMillis / 1000).toFixed(0)} s) and published (${(fill.publishMillis / 1000).toFixed(0)} s) before the runs; topic partitions: ${partitions.join(', ')}.`,
      `Each instance is a process of its own (KafkaTransport, default consumer settings) in the subscriber's consumer group; each measurement starts its instances in a new group that reads the topic from the beginning. events/s = events handled while every instance was consuming (from the latest instance's first event to the last event, over all instances; reports every 50 ms) / that time. Two instances do not join at the same moment: the first takes all 4 partitions and starts, and the group rebalances when the second joins, so the window leaves out the first instance's time alone; its share of the backlog is a column. The whole backlog including process start, joining and rebalance is the other time column.`,
      `${runs} runs; in each, 1 and 2 instances alternate (order swapped every run), for each subscriber kind. ${os.cpus().length} CPU cores, shared with MariaDB, Kafka and other work: two instances compete with the broker and the database for the same cores.`,
    ],
    data: { results, fill, partitions },
  };
}
