import { Partitioners, Producer } from 'kafkajs';
import { discardParked, Eventloom, retryAllParked, retryParked, silentLogger } from '@eventloom/core';
import { Publisher } from '@eventloom/core/spi';
import { MySqlDeadLetterStore, MySqlPublicationLog } from '@eventloom/mysql';
import { KafkaTransport } from './kafka-transport';
import { startPublisher } from '../publisher/publisher';
import { UndecodableMessageError } from '@eventloom/core';
import { topicFor } from '../topics';
import { encodePublishedEvent, isUndecodable } from '../wire/published-event-codec';
import {
  brokers,
  createEventsTable,
  createTestDatabase,
  deleteTopics,
  testAdmin,
  TestDatabase,
  uniqueTopicPrefix,
} from '@eventloom/test-support';
import { insertEvents, interleavedEvents, TestEvent } from '../../test/events';
import { Recorder, StrictRecorder, unusedEventStore } from '../../test/model';

describe('KafkaTransport (real MariaDB and Kafka)', () => {
  const topicPrefix = uniqueTopicPrefix('transport');
  const topic = topicFor('KCounter', topicPrefix);
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  let producer: Producer;
  let publisher: Publisher;
  let deadLetters: MySqlDeadLetterStore;
  let eventloom: Eventloom;
  const recorder = new Recorder();

  const added = (aggregateId: string, version: number): TestEvent => ({
    ...interleavedEvents('KCounter', 1, 1, 'KCounterAdded')[0],
    aggregateId,
    version,
    data: { amount: version, aggregate: 0 },
  });

  beforeAll(async () => {
    db = await createTestDatabase('transport');
    await createEventsTable(db.pool);
    kafka = await testAdmin();
    await kafka.admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    producer = kafka.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    publisher = await startPublisher({ mysqlUrl: db.url, kafka: { brokers }, topicPrefix, logger: silentLogger, pollIntervalMs: 10 });
    deadLetters = await new MySqlDeadLetterStore({ pool: db.pool }).ready();
    const transport = new KafkaTransport({
      brokers,
      topicPrefix,
      groupIdPrefix: topicPrefix,
      publication: publisher,
      logger: silentLogger,
      consumer: { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 3_000 },
    });
    eventloom = new Eventloom({
      eventStore: unusedEventStore,
      transport,
      deadLetters,
      logger: silentLogger,
      delivery: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    });
    await eventloom.subscribe(recorder);
  });

  afterAll(async () => {
    await eventloom?.close();
    await publisher?.stop();
    await producer?.disconnect();
    await deleteTopics(kafka.admin, topicPrefix);
    await kafka.admin.disconnect();
    await db.drop();
  });

  it('delivers every event once, in version order per aggregate, across 1,000 aggregates', async () => {
    const events = interleavedEvents('KCounter', 1000, 5, 'KCounterAdded');
    await insertEvents(db.pool, events);
    await eventloom.caughtUp();
    expect(recorder.calls).toHaveLength(events.length);
    const versions = new Map<string, number[]>();
    for (const call of recorder.calls) versions.set(call.aggregateId, [...(versions.get(call.aggregateId) ?? []), call.version]);
    expect(versions.size).toBe(1000);
    for (const list of versions.values()) expect(list).toEqual([1, 2, 3, 4, 5]);
    expect(recorder.calls.map((c) => c.position).sort((a, b) => a! - b!)).toEqual(events.map((_, i) => i + 1));
  });

  it('skips event types the subscriber does not handle', async () => {
    const before = recorder.calls.length;
    await insertEvents(db.pool, [{ ...added('renamed-1', 1), eventType: 'KCounterRenamed', data: { name: 'x' } }]);
    await eventloom.caughtUp();
    expect(recorder.calls.length).toBe(before);
    expect(await deadLetters.list('recorder')).toEqual([]);
  });

  it('drops a redelivered event (same id and version) without calling the handler again', async () => {
    const copies = await new MySqlPublicationLog({ pool: db.pool }).readPublished(0, 3);
    await producer.send({ topic, acks: -1, messages: copies.map((copy) => encodePublishedEvent(copy)) });
    await insertEvents(db.pool, [added('after-redelivery', 1)]);
    await eventloom.caughtUp();
    for (const copy of copies) expect(recorder.calls.filter((c) => c.eventId === copy.eventId)).toHaveLength(1);
    expect(recorder.calls.some((c) => c.aggregateId === 'after-redelivery')).toBe(true);
  });

  it('parks a poison event while the rest flows, and hands it back on retry', async () => {
    recorder.poison.add('poison-1');
    await insertEvents(db.pool, [added('poison-1', 1), added('healthy-1', 1), added('healthy-1', 2)]);
    await eventloom.caughtUp();
    const parked = await deadLetters.list('recorder');
    expect(parked.map((p) => [p.event.aggregateId, p.event.version])).toEqual([['poison-1', 1]]);
    expect(parked[0].error).toContain('poison aggregate poison-1');
    expect(recorder.calls.filter((c) => c.aggregateId === 'healthy-1').map((c) => c.version)).toEqual([1, 2]);

    const handle = eventloom.deliveryFor(recorder, { logger: silentLogger, delivery: { maxAttempts: 1 } });
    expect(await retryParked(deadLetters, 'recorder', parked[0].event.eventId, handle)).toBe('parked-again');
    expect(await deadLetters.list('recorder')).toHaveLength(1);
    recorder.poison.delete('poison-1');
    expect(await retryParked(deadLetters, 'recorder', parked[0].event.eventId, handle)).toBe('handled');
    expect(await deadLetters.list('recorder')).toEqual([]);
    expect(recorder.calls.filter((c) => c.aggregateId === 'poison-1').map((c) => c.version)).toEqual([1]);
  });

  it('parks a message that is not a published event, with the reason, and goes on', async () => {
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'bad-1', value: 'this is { not JSON' },
        { key: 'bad-2', value: JSON.stringify({ id: 'x', entityId: 'bad-2' }) },
      ],
    });
    await insertEvents(db.pool, [added('after-bad', 1)]);
    await eventloom.caughtUp();
    const parked = await deadLetters.list('recorder');
    const byKey = new Map(parked.map((p) => [p.event.aggregateId, p]));
    expect(byKey.get('bad-1')?.error).toMatch(/Undecodable message at .*: the value is not JSON/);
    expect(byKey.get('bad-1')?.event.eventData).toBe('this is { not JSON');
    expect(byKey.get('bad-2')?.error).toContain("field 'entityType' is missing");
    expect(recorder.calls.some((c) => c.aggregateId === 'after-bad')).toBe(true);

    const bad = byKey.get('bad-1')!;
    const handle = eventloom.deliveryFor(recorder, { logger: silentLogger });
    await expect(retryParked(deadLetters, 'recorder', bad.event.eventId, handle)).rejects.toBeInstanceOf(UndecodableMessageError);
    expect(await discardParked(deadLetters, 'recorder', bad.event.eventId)).toBeDefined();
    expect((await deadLetters.list('recorder')).map((p) => p.event.aggregateId)).toEqual(['bad-2']);
  });

  it('with holdBackAfterPark, parks the later events of an aggregate behind a parked one, and retryAll replays them in order', async () => {
    const strict = new StrictRecorder();
    const strictLoom = new Eventloom({
      eventStore: unusedEventStore,
      transport: new KafkaTransport({
        brokers,
        topicPrefix,
        groupIdPrefix: topicPrefix,
        holdBackAfterPark: true,
        publication: publisher,
        logger: silentLogger,
        consumer: { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 3_000 },
      }),
      deadLetters,
      logger: silentLogger,
      delivery: { maxAttempts: 1 },
    });
    try {
      strict.poison.add('strict-1');
      await strictLoom.subscribe(strict);
      await insertEvents(db.pool, [added('strict-1', 1), added('strict-ok', 1), added('strict-1', 2), added('strict-1', 3)]);
      await strictLoom.caughtUp();
      // It read the topic from the start, so the two raw bad messages are parked for it too.
      const parked = (await deadLetters.list('strict-recorder')).filter((p) => !isUndecodable(p.event));
      expect(parked.map((p) => p.event.version)).toEqual([1, 2, 3]);
      expect(parked[0].error).toContain('poison aggregate strict-1');
      expect(parked[1].error).toContain("Held back: an earlier event of KCounter 'strict-1' is parked");
      expect(strict.calls.map((c) => c.aggregateId).filter((id) => id.startsWith('strict'))).toEqual(['strict-ok']);

      const handle = strictLoom.deliveryFor(strict, { logger: silentLogger, delivery: { maxAttempts: 1 } });
      expect([...(await retryAllParked(deadLetters, 'strict-recorder', handle)).values()]).toEqual(['parked-again', 'skipped', 'skipped']);
      strict.poison.delete('strict-1');
      expect([...(await retryAllParked(deadLetters, 'strict-recorder', handle)).values()]).toEqual(['handled', 'handled', 'handled']);
      expect((await deadLetters.list('strict-recorder')).filter((p) => !isUndecodable(p.event))).toEqual([]);

      await insertEvents(db.pool, [added('strict-1', 4)]);
      await strictLoom.caughtUp();
      expect(strict.calls.filter((c) => c.aggregateId === 'strict-1').map((c) => c.version)).toEqual([1, 2, 3, 4]);
    } finally {
      await strictLoom.close();
    }
  });
});
