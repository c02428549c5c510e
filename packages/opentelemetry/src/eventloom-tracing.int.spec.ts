import { SpanKind } from '@opentelemetry/api';
import { Eventloom, silentLogger } from '@eventloom/core';
import { MySqlDeadLetterStore, MySqlEventStore } from '@eventloom/mysql';
import { KafkaTransport, kafkaTopology, startPublisher } from '@eventloom/kafka';
import { brokers, createTestDatabase, deleteTopics, eventually, testAdmin, TestDatabase, uniqueTopicPrefix } from '@eventloom/test-support';
import { EventloomTracing } from './eventloom-tracing';
import { Parcel, Receiver, SendParcel } from '../test/relay';
import { inMemoryTracer, spanNamed } from '../test/in-memory-spans';

/**
 * Two services and a publisher, each with a tracer of its own (its own
 * exporter): the only way the trace can get from the sender to the receiver
 * is the event, through MariaDB and Kafka.
 */
describe('EventloomTracing across the Kafka transport (real MariaDB and Kafka)', () => {
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  const topicPrefix = uniqueTopicPrefix('tracing');

  beforeAll(async () => {
    db = await createTestDatabase('tracing', { migrated: true });
    kafka = await testAdmin();
    const topology = kafkaTopology({ topicPrefix });
    await kafka.admin.createTopics({ topics: [{ topic: topology.topicOf('OtParcel'), numPartitions: 2 }], waitForLeaders: true });
  });

  afterAll(async () => {
    await deleteTopics(kafka.admin, topicPrefix);
    await kafka.admin.disconnect();
    await db.drop();
  });

  it("one trace from the sender's command to the receiver's handler and its command: the handle span's parent is the command that appended the event", async () => {
    const senderTraces = inMemoryTracer('sender');
    const receiverTraces = inMemoryTracer('receiver');
    const publisherTraces = inMemoryTracer('publisher');
    const store = () => new MySqlEventStore({ url: db.url });
    const senderStore = store();
    const receiverStore = store();
    const publisher = await startPublisher({
      pool: senderStore.pool,
      kafka: { brokers },
      topicPrefix,
      logger: silentLogger,
      pollIntervalMs: 10,
      instrumentation: new EventloomTracing({ tracer: publisherTraces.tracer }),
    });
    const service = async (eventStore: MySqlEventStore, tracing: EventloomTracing) =>
      new Eventloom({
        eventStore,
        transport: new KafkaTransport({ brokers, topicPrefix, groupIdPrefix: topicPrefix, publication: publisher, logger: silentLogger }),
        deadLetters: await MySqlDeadLetterStore.of(eventStore).ready(),
        instrumentation: tracing,
        logger: silentLogger,
      });
    const sender = await service(senderStore, new EventloomTracing({ tracer: senderTraces.tracer }));
    const receiverLoom = await service(receiverStore, new EventloomTracing({ tracer: receiverTraces.tracer }));
    const receiver = new Receiver();
    await receiverLoom.subscribe(receiver);
    try {
      const sent = await sender.repository.create(Parcel, new SendParcel('bob'));
      await eventually(() => receiver.received.length > 0, 'the receiver handled ParcelSent');
      expect(receiver.received).toEqual([sent.id]);

      const create = spanNamed(senderTraces.spans(), 'create OtParcel');
      const { traceId, spanId } = create.spanContext();

      const handle = spanNamed(receiverTraces.spans(), 'handle OtParcelSent');
      expect(handle.kind).toBe(SpanKind.CONSUMER);
      expect(handle.spanContext().traceId).toBe(traceId);
      expect(handle.parentSpanContext).toMatchObject({ traceId, spanId, isRemote: true });

      const update = spanNamed(receiverTraces.spans(), 'update OtParcel');
      expect(update.spanContext().traceId).toBe(traceId);
      expect(update.parentSpanContext?.spanId).toBe(handle.spanContext().spanId);
      const { eventsSinceSnapshot } = await receiverLoom.repository.find(Parcel, sent.id);
      expect(eventsSinceSnapshot[1].metadata.traceparent).toBe(`00-${traceId}-${update.spanContext().spanId}-01`);

      // The publisher's batch span is a trace of its own, linked to the command whose events it sent.
      const linked = () => publisherTraces.spans().filter((s) => s.name === 'publish').flatMap((s) => s.links.map((l) => l.context.spanId));
      await eventually(() => linked().includes(spanId), 'a publish span linked to the command');
    } finally {
      // The publisher first: it runs on the sender store's pool.
      await publisher.stop();
      await receiverLoom.close();
      await sender.close();
      await Promise.all([senderTraces, receiverTraces, publisherTraces].map((t) => t.shutdown()));
    }
  });
});
