import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AggregateRepository, silentLogger } from '@eventloom/core';
import { createKafka, startPublisher } from '@eventloom/kafka';
import { migrate, MySqlEventStore } from '@eventloom/mysql';
import { Section } from '../report/results';
import { median, round } from '../report/stats';
import { KAFKA_BROKERS, log, withDatabase } from '../support/mysql';
import { Account, OpenAccount } from '../support/model';
import { JavaProducerRun, kafkaLibs, runJavaProducer } from './java-producer';

interface PublisherRun {
  readonly events: number;
  readonly fillMillis: number;
  readonly publishMillis: number;
  readonly eventsPerSecond: number;
  readonly messagesInKafka: number;
  /** Mean size of a message as it lies in Kafka (key, value, headers, record overhead), bytes. */
  readonly bytesPerMessage?: number;
}

const PARTITIONS = 4;
/** The Java reference's record size: about what one publisher message weighs (see bytesPerMessage in the data). */
const JAVA_RECORD_BYTES = 400;
const TARGET_RATIO = 0.6;
const TARGET_RATE = 40_000;

/**
 * Benchmark 4: a publisher started on a backlog of `events` stored events; time from
 * startPublisher() until published() resolves (every event acknowledged by Kafka and
 * marked published). Each run has its own tables (a table prefix) and topics.
 * Interleaved with each run, Kafka's own Java producer (ProducerPerformance) sends as
 * many records of 400 bytes to a topic of as many partitions on the same broker, with
 * the same acks and idempotence: the reference the publisher's rate is a ratio of.
 */
export async function publisherBenchmark(runs: number, events = 100_000, perAggregate = 100): Promise<Section> {
  const kafka = createKafka({ brokers: KAFKA_BROKERS.split(','), clientId: 'eventloom-bench', logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await withDatabase('publisher', async (db) => {
      const results: PublisherRun[] = [];
      const java: JavaProducerRun[] = [];
      const runJava = async () => {
        const topic = `bench.java-producer.${randomBytes(4).toString('hex')}`;
        await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
        try {
          const result = await runJavaProducer(KAFKA_BROKERS, topic, events, JAVA_RECORD_BYTES);
          java.push(result);
          log(`publisher: Java producer ${java.length}/${runs}: ${Math.round(result.recordsPerSecond)} records/s`);
        } finally {
          await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        }
      };
      for (let run = 0; run < runs; run++) {
        // Interleaved, alternating which goes first, so that a busy spell on the shared machine hits both.
        if (run % 2 === 0) await runJava();
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
        const publisher = await startPublisher({ mysqlUrl: db.url, tablePrefix, topicPrefix, partitions: PARTITIONS, kafka: { brokers: KAFKA_BROKERS }, logger: silentLogger });
        try {
          await publisher.published();
        } finally {
          await publisher.stop();
        }
        const publishMillis = performance.now() - started;
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
        let messagesInKafka = 0;
        for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) messagesInKafka += Number(p.high) - Number(p.low);
        const bytesPerMessage = meanMessageBytes(topics, messagesInKafka);
        await admin.deleteTopics({ topics }).catch(() => undefined);
        const stored = aggregates * perAggregate;
        if (messagesInKafka < stored) throw new Error(`publisher: ${messagesInKafka} messages in Kafka for ${stored} events`);
        results.push({ events: stored, fillMillis, publishMillis, eventsPerSecond: (stored / publishMillis) * 1000, messagesInKafka, bytesPerMessage });
        log(`publisher: run ${run + 1}/${runs}: ${Math.round((stored / publishMillis) * 1000)} events/s`);
        if (run % 2 === 1) await runJava();
      }
      const rate = median(results.map((r) => r.eventsPerSecond));
      const javaRate = median(java.map((r) => r.recordsPerSecond));
      const ratio = rate / javaRate;
      return {
        title: '4. Publisher throughput: stored backlog to acknowledged Kafka messages, beside Kafka\'s Java producer',
        target: `≥ ${TARGET_RATIO} of Kafka's Java producer (same broker, acks=all, idempotent), and ≥ ${TARGET_RATE.toLocaleString('en')} events/s`,
        met: ratio >= TARGET_RATIO && rate >= TARGET_RATE,
        columns: ['backlog (events)', 'publish time (s)', 'publisher events/s', 'Java producer records/s', 'ratio', 'backlog fill rate (events/s, for reference)'],
        rows: [
          [
            events.toLocaleString('en'),
            round(median(results.map((r) => r.publishMillis)) / 1000, 2),
            round(rate, 0),
            round(javaRate, 0),
            round(ratio, 2),
            round(median(results.map((r) => (r.events / r.fillMillis) * 1000)), 0),
          ],
        ],
        notes: [
          `Backlog: ${(events / perAggregate).toLocaleString('en')} aggregates × ${perAggregate} events, each aggregate stored by one append. Timed from startPublisher() (connecting, creating the topic, ${PARTITIONS} partitions) until published() resolves (acknowledged and marked published); Kafka's topic offsets were checked to hold every event. A message weighs ${Math.round(median(results.map((r) => r.bytesPerMessage ?? NaN)))} bytes in Kafka's log (key, value, headers, batch overhead).`,
          `Default publisher settings (batchSize 5000, idempotent producer, acks from all in-sync replicas); single local broker. ${runs} runs, each on its own tables and topic.`,
          `Reference: org.apache.kafka.tools.ProducerPerformance from the broker's jars, ${events.toLocaleString('en')} records of ${JAVA_RECORD_BYTES} bytes, --throughput -1, acks=all enable.idempotence=true (defaults otherwise: linger 5 ms, batch.size 16 KiB, 5 requests in flight), to a ${PARTITIONS}-partition topic; its own timing (JVM start excluded). Runs interleaved with the publisher's, medians compared.`,
        ],
        data: { publisher: results, javaProducer: java },
      };
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Mean bytes per message on the topics, record batch overhead included: the
 * size of their log segments over the message count. Read from the local
 * broker's log directory (scripts/kafka.sh's); undefined when that is not here.
 */
function meanMessageBytes(topics: string[], messages: number): number | undefined {
  const logs = path.join(path.dirname(kafkaLibs()), 'data', 'kraft-logs');
  if (!existsSync(logs) || messages === 0) return undefined;
  let bytes = 0;
  for (const dir of readdirSync(logs)) {
    if (!topics.some((topic) => dir.startsWith(`${topic}-`))) continue;
    for (const file of readdirSync(path.join(logs, dir))) if (file.endsWith('.log')) bytes += statSync(path.join(logs, dir, file)).size;
  }
  return bytes / messages;
}
