import { silentLogger } from '@eventloom/core';
import { PrivateKafka, readTopics, startPrivateKafka } from '@eventloom/test-support';
import { Kafka } from 'kafkajs';
import { createKafka } from '../../kafka-client';
import { clusterMetadata } from '../kafka-sink';
import { IdempotentProducer } from './idempotent-producer';

/**
 * The publisher's way through a broker outage: batches sent one after the
 * other until one fails (the broker is killed meanwhile), then, once the
 * broker is back, everything from the first batch not acknowledged is sent
 * again by the same producer, in a new session. Consumers drop repeats by position; what must hold
 * is that, per key, the records read, repeats dropped, are every record in
 * the order sent.
 */
describe('the idempotent producer through a broker outage (private Kafka)', () => {
  let broker: PrivateKafka;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startPrivateKafka();
    kafka = createKafka({ brokers: [broker.brokers], clientId: 'eventloom-test', logger: silentLogger });
  }, 120_000);

  afterAll(async () => {
    await broker?.destroy();
  }, 60_000);

  it('fails the send under way, and a resend afterwards leaves every key complete and in order', async () => {
    const topic = 'outage';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const producer = new IdempotentProducer({ clientId: 'eventloom-test', maxRequestBytes: 20_000, metadata: clusterMetadata(admin) });
    const keys = Array.from({ length: 50 }, (_, i) => `aggregate-${i}`);
    const batchOf = (b: number) =>
      Array.from({ length: 500 }, (_, i) => {
        const n = b * 500 + i;
        return { topic, record: { key: keys[n % keys.length], value: String(n), headers: [] } };
      });
    let acknowledged = 0; // batches
    let failed: unknown;
    let killed: Promise<void> | undefined;
    for (let b = 0; b < 1000 && !failed; b++) {
      if (b === 3) killed = broker.kill();
      try {
        await producer.send(batchOf(b));
        acknowledged = b + 1;
      } catch (error) {
        failed = error;
      }
    }
    expect(failed).toBeDefined();
    expect(acknowledged).toBeGreaterThanOrEqual(3); // the outage, not a broker still starting, failed the send
    await killed;
    await broker.start();
    try {
      // The same producer, as the KafkaSink keeps one across the publisher's terms: it starts a new session.
      const total = acknowledged + 3;
      for (let b = acknowledged; b < total; b++) await producer.send(batchOf(b));
      const read = await readTopics(kafka, [topic], (m) => new Set(m.map((r) => r.value)).size >= total * 500, 90_000);
      for (const key of keys) {
        const seen = new Set<string>();
        const firsts = read
          .filter((m) => m.key === key)
          .sort((a, b) => a.offset - b.offset)
          .map((m) => m.value)
          .filter((v) => !seen.has(v) && seen.add(v));
        const sent = Array.from({ length: total * 500 }, (_, n) => n).filter((n) => n % keys.length === keys.indexOf(key));
        expect(firsts.map(Number)).toEqual(sent);
      }
    } finally {
      producer.close();
      await admin.disconnect();
    }
  }, 240_000);
});
