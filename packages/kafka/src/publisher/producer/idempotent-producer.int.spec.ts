import { Admin, Partitioners } from 'kafkajs';
import { deleteTopics, readTopics, testAdmin, uniqueTopicPrefix } from '@eventloom/test-support';
import { clusterMetadata } from '../kafka-sink';
import { IdempotentProducer, KafkaProduceError } from './idempotent-producer';

/** The producer as the KafkaSink sets it up, on the test's admin client. */
function producerOn(admin: Admin, maxRequestBytes = 900_000): IdempotentProducer {
  return new IdempotentProducer({ clientId: 'eventloom-test', maxRequestBytes, metadata: clusterMetadata(admin) });
}

describe('the idempotent producer (real Kafka)', () => {
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  const topicPrefix = uniqueTopicPrefix('producer');

  beforeAll(async () => {
    kafka = await testAdmin();
  });

  afterAll(async () => {
    await deleteTopics(kafka.admin, topicPrefix);
    await kafka.admin.disconnect();
  });

  it('writes every record once, in order per key, on the partition kafkajs would choose, over many pipelined requests', async () => {
    const topic = `${topicPrefix}ordered`;
    await kafka.admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    // Small requests: 2,000 records make dozens of requests, up to 5 under way on the connection.
    const producer = producerOn(kafka.admin, 8_000);
    try {
      const keys = Array.from({ length: 37 }, (_, i) => `aggregate-${i}`);
      const sent: Array<{ key: string; value: string }> = [];
      for (let round = 0; round < 2; round++) {
        const records = Array.from({ length: 1000 }, (_, i) => {
          const n = round * 1000 + i;
          const key = keys[n % keys.length];
          return { topic, record: { key, value: JSON.stringify({ n, text: 'é€🙂'.repeat(n % 5) }), headers: [['n', String(n)], ['empty', '']] as Array<[string, string]> } };
        });
        await producer.send(records);
        sent.push(...records.map((r) => ({ key: r.record.key, value: r.record.value })));
      }
      const read = await readTopics(kafka.kafka, [topic], (m) => m.length >= sent.length);
      expect(read).toHaveLength(sent.length);
      const partitioner = Partitioners.DefaultPartitioner();
      const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
      for (const key of keys) {
        const mine = read.filter((m) => m.key === key).sort((a, b) => a.offset - b.offset);
        expect(mine.map((m) => m.value)).toEqual(sent.filter((s) => s.key === key).map((s) => s.value));
        expect(new Set(mine.map((m) => m.partition))).toEqual(new Set([partitioner({ topic, partitionMetadata, message: { key, value: null } })]));
      }
      const one = read.find((m) => m.value === sent[7].value)!;
      expect(one.headers).toEqual({ n: '7', empty: '' });
    } finally {
      producer.close();
    }
  });

  it('fails a send the broker refuses, naming the error, and sends again afresh afterwards', async () => {
    const topic = `${topicPrefix}refused`;
    await kafka.admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = producerOn(kafka.admin);
    try {
      await producer.send([{ topic, record: { key: 'k', value: 'before', headers: [] } }]);
      // Over the broker's message.max.bytes (1 MiB by default).
      const tooLarge = producer.send([{ topic, record: { key: 'k', value: 'x'.repeat(1_200_000), headers: [] } }]);
      await expect(tooLarge).rejects.toThrow(KafkaProduceError);
      await expect(tooLarge).rejects.toThrow(/MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|code 1[08]/);
      await producer.send([{ topic, record: { key: 'k', value: 'after', headers: [] } }]);
      const read = await readTopics(kafka.kafka, [topic], (m) => m.length >= 2);
      expect(read.map((m) => m.value)).toEqual(['before', 'after']);
    } finally {
      producer.close();
    }
  });
});
