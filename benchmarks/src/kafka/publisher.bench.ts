import { randomBytes } from 'node:crypto';
import { AggregateRepository, silentLogger } from '@eventloom/core';
import { createKafka, startPublisher } from '@eventloom/kafka';
import { migrate, MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { KAFKA_BROKERS, log, withDatabase } from '../support/mysql';
import { Account, OpenAccount } from '../support/model';

interface PublisherRun {
  readonly events: number;
  readonly fillMillis: number;
  readonly publishMillis: number;
  readonly eventsPerSecond: number;
  readonly messagesInKafka: number;
}

/**
 * Benchmark 4: a publisher started on a backlog of `events` stored events; time from
 * startPublisher() until published() resolves (every event acknowledged by Kafka and
 * marked published). Each run has its own tables (a table prefix) and topics.
 */
export async function publisherBenchmark(runs: number, events = 100_000, perAggregate = 100): Promise<Section> {
  const kafka = createKafka({ brokers: KAFKA_BROKERS.split(','), clientId: 'eventloom-bench', logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await withDatabase('publisher', async (db) => {
      const results: PublisherRun[] = [];
      for (let run = 0; run < runs; run++) {
        const tablePrefix = `r${run}_`;
        const topicPrefix = `bench.publisher.${randomBytes(4).toString('hex')}.`;
        await migrate(db.url, { tablePrefix });
        const store = new MySqlEventStore({ url: db.url, tablePrefix });
        const repository = new AggregateRepository(store);
        // The backlog: aggregates of `perAggregate` events, each stored by one append (one multi-row INSERT), 8 at a time.
        const fillStarted = performance.now();
        const aggregates = Math.ceil(events / perAggregate);
        let next = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < aggregates) {
              const i = next++;
              await repository.create(Account, new OpenAccount(`owner-${i}`, perAggregate - 1));
            }
          }),
        );
        const fillMillis = performance.now() - fillStarted;
        await store.close();
        const started = performance.now();
        const publisher = await startPublisher({ mysqlUrl: db.url, tablePrefix, topicPrefix, kafka: { brokers: KAFKA_BROKERS }, logger: silentLogger });
        try {
          await publisher.published();
        } finally {
          await publisher.stop();
        }
        const publishMillis = performance.now() - started;
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
        let messagesInKafka = 0;
        for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) messagesInKafka += Number(p.high) - Number(p.low);
        await admin.deleteTopics({ topics }).catch(() => undefined);
        const stored = aggregates * perAggregate;
        if (messagesInKafka < stored) throw new Error(`publisher: ${messagesInKafka} messages in Kafka for ${stored} events`);
        results.push({ events: stored, fillMillis, publishMillis, eventsPerSecond: (stored / publishMillis) * 1000, messagesInKafka });
        log(`publisher: run ${run + 1}/${runs}: ${Math.round((stored / publishMillis) * 1000)} events/s`);
      }
      const rate = median(results.map((r) => r.eventsPerSecond));
      return {
        title: '4. Publisher throughput: stored backlog to acknowledged Kafka messages',
        target: '≥ 20,000 events/s',
        met: rate >= 20_000,
        columns: ['backlog (events)', 'publish time (s)', 'events/s', 'backlog fill rate (events/s, for reference)'],
        rows: [
          [
            events.toLocaleString('en'),
            round(median(results.map((r) => r.publishMillis)) / 1000, 2),
            round(rate, 0),
            round(median(results.map((r) => (r.events / r.fillMillis) * 1000)), 0),
          ],
        ],
        notes: [
          `Backlog: ${(events / perAggregate).toLocaleString('en')} aggregates × ${perAggregate} events, each aggregate stored by one append. Timed from startPublisher() (connecting, creating the topic, 4 partitions) until published() resolves; Kafka's topic offsets were checked to hold every event.`,
          `Default publisher settings (batchSize 5000, idempotent producer, acks from all in-sync replicas); single local broker. ${runs} runs, each on its own tables and topic.`,
        ],
        data: results,
      };
    });
  } finally {
    await admin.disconnect();
  }
}
