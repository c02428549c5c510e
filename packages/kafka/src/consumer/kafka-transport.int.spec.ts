import { Partitioners, Producer } from 'kafkajs';
import { discardParked, Eventloom, retryAllParked, retryParked, silentLogger } from '@eventloom/core';
import { Publisher } from '@eventloom/core/spi';
import { MySqlDeadLetterStore, MySqlPublicationLog } from '@eventloom/mysql';
import { KafkaTransport } from './kafka-transport';
import { testTransport } from '../../test/test-transport';
import { startPublisher } from '../publisher/publisher';
import { UndecodableMessageError } from '@eventloom/core';
import { topicFor } from '../topics';
import { encodePublishedEvent } from '../wire/published-event-codec';
import {
  brokers,
  createEventsTable,
  createTestDatabase,
  deleteTopics,
  testAdmin,
  TestDatabase,
  eventually,
  uniqueTopicPrefix,
} from '@eventloom/test-support';
import { insertEvents, interleavedEvents, TestEvent } from '../../test/events';
import { Recorder, StrictRecorder, unusedEventStore } from '../../test/model';

/**
 * One test's world: its own tables (by prefix), publisher, topics and consumer
 * groups, so that no test sees another's messages (kafkajs' habit).
 */
interface World {
  readonly prefix: string;
  readonly topic: string;
  readonly publisher: Publisher;
  readonly deadLetters: MySqlDeadLetterStore;
  readonly eventloom: Eventloom;
  readonly recorder: Recorder;
  insert(events: readonly TestEvent[]): Promise<void>;
  transport(options?: { holdBackAfterPark?: boolean }): KafkaTransport;
  close(): Promise<void>;
}

describe('KafkaTransport (real MariaDB and Kafka)', () => {
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  let producer: Producer;
  let world: World;
  let worlds = 0;

  const added = (aggregateId: string, version: number): TestEvent => ({
    ...interleavedEvents('KCounter', 1, 1, 'KCounterAdded')[0],
    aggregateId,
    version,
    data: { amount: version, aggregate: 0 },
  });

  async function createWorld(): Promise<World> {
    const prefix = `t${++worlds}_`;
    const topicPrefix = uniqueTopicPrefix(`transport${worlds}`);
    const topic = topicFor('KCounter', topicPrefix);
    await createEventsTable(db.pool, prefix);
    await kafka.admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const publisher = await startPublisher({ pool: db.pool, tablePrefix: prefix, kafka: { brokers }, topicPrefix, logger: silentLogger, pollIntervalMs: 10 });
    const deadLetters = await new MySqlDeadLetterStore({ pool: db.pool, tablePrefix: prefix }).ready();
    const transport = (options: { holdBackAfterPark?: boolean } = {}) =>
      testTransport({
        brokers,
        topicPrefix,
        publication: publisher,
        ...options,
      });
    const eventloom = new Eventloom({
      eventStore: unusedEventStore,
      transport: transport(),
      deadLetters,
      logger: silentLogger,
      delivery: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
    });
    const recorder = new Recorder();
    await eventloom.subscribe(recorder);
    return {
      prefix,
      topic,
      publisher,
      deadLetters,
      eventloom,
      recorder,
      insert: (events) => insertEvents(db.pool, events, prefix),
      transport,
      close: async () => {
        await eventloom.close();
        await publisher.stop();
        await deleteTopics(kafka.admin, topicPrefix);
      },
    };
  }

  beforeAll(async () => {
    db = await createTestDatabase('transport');
    kafka = await testAdmin();
    producer = kafka.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  beforeEach(async () => {
    world = await createWorld();
  });

  afterEach(async () => {
    await world?.close();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await kafka.admin.disconnect();
    await db.drop();
  });

  it('delivers every event once, in version order per aggregate, across 1,000 aggregates', async () => {
    const events = interleavedEvents('KCounter', 1000, 5, 'KCounterAdded');
    await world.insert(events);
    await world.eventloom.caughtUp();
    expect(world.recorder.calls).toHaveLength(events.length);
    const versions = new Map<string, number[]>();
    for (const call of world.recorder.calls) versions.set(call.aggregateId, [...(versions.get(call.aggregateId) ?? []), call.version]);
    expect(versions.size).toBe(1000);
    for (const list of versions.values()) expect(list).toEqual([1, 2, 3, 4, 5]);
    expect(world.recorder.calls.map((c) => c.position).sort((a, b) => a! - b!)).toEqual(events.map((_, i) => i + 1));
  });

  it('reports its subscription joined with its lag, and the service ready with the publisher leading', async () => {
    await world.insert([added('health-1', 1), added('health-1', 2)]);
    await world.eventloom.caughtUp();
    const report = await world.eventloom.health();
    expect(report).toEqual({
      ready: true,
      checks: [
        { component: 'publisher', ok: true, detail: 'this instance leads' },
        { component: 'subscription recorder', ok: true, detail: 'caught up' },
      ],
    });

    // A subscriber whose handler holds every event: all of them wait, and its status says how many.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const transport = world.transport();
    const held = await transport.subscribe({
      subscriberId: 'held',
      aggregateTypes: ['KCounter'],
      eventTypes: ['KCounterAdded'],
      handle: () => released,
      deadLetters: world.deadLetters,
    });
    try {
      await world.insert([added('health-2', 1), added('health-3', 1), added('health-4', 1)]);
      await eventually(async () => (await held.status!()).lag === 5, 'five events waiting');
      expect(await held.status!()).toEqual({ joined: true, lag: 5 });
      release();
      await eventually(async () => (await held.status!()).lag === 0, 'none waiting');
    } finally {
      release();
      await transport.close();
    }
  });

  it('skips event types the subscriber does not handle', async () => {
    await world.insert([{ ...added('renamed-1', 1), eventType: 'KCounterRenamed', data: { name: 'x' } }, added('counted-1', 1)]);
    await world.eventloom.caughtUp();
    expect(world.recorder.calls.map((c) => c.aggregateId)).toEqual(['counted-1']);
    expect(await world.deadLetters.list('recorder')).toEqual([]);
  });

  it('drops a redelivered event (same id and version) without calling the handler again', async () => {
    await world.insert([added('first-1', 1), added('first-2', 1), added('first-1', 2)]);
    await world.eventloom.caughtUp();
    const copies = await new MySqlPublicationLog({ pool: db.pool, tablePrefix: world.prefix }).readPublished(0, 3);
    await producer.send({ topic: world.topic, acks: -1, messages: copies.map((copy) => encodePublishedEvent(copy)) });
    await world.insert([added('after-redelivery', 1)]);
    await world.eventloom.caughtUp();
    for (const copy of copies) expect(world.recorder.calls.filter((c) => c.eventId === copy.eventId)).toHaveLength(1);
    expect(world.recorder.calls.some((c) => c.aggregateId === 'after-redelivery')).toBe(true);
  });

  it('parks a poison event while the rest flows, and hands it back on retry', async () => {
    world.recorder.poison.add('poison-1');
    await world.insert([added('poison-1', 1), added('healthy-1', 1), added('healthy-1', 2)]);
    await world.eventloom.caughtUp();
    const parked = await world.deadLetters.list('recorder');
    expect(parked.map((p) => [p.event.aggregateId, p.event.version])).toEqual([['poison-1', 1]]);
    expect(parked[0].error).toContain('poison aggregate poison-1');
    expect(world.recorder.calls.filter((c) => c.aggregateId === 'healthy-1').map((c) => c.version)).toEqual([1, 2]);

    const handle = world.eventloom.deliveryFor(world.recorder, { logger: silentLogger, delivery: { maxAttempts: 1 } });
    expect(await retryParked(world.deadLetters, 'recorder', parked[0].event.eventId, handle)).toBe('parked-again');
    expect(await world.deadLetters.list('recorder')).toHaveLength(1);
    world.recorder.poison.delete('poison-1');
    expect(await retryParked(world.deadLetters, 'recorder', parked[0].event.eventId, handle)).toBe('handled');
    expect(await world.deadLetters.list('recorder')).toEqual([]);
    expect(world.recorder.calls.filter((c) => c.aggregateId === 'poison-1').map((c) => c.version)).toEqual([1]);
  });

  it('parks a message that is not a published event, with the reason, and goes on', async () => {
    await producer.send({
      topic: world.topic,
      acks: -1,
      messages: [
        { key: 'bad-1', value: 'this is { not JSON' },
        { key: 'bad-2', value: JSON.stringify({ id: 'x', entityId: 'bad-2' }) },
      ],
    });
    await world.insert([added('after-bad', 1)]);
    await world.eventloom.caughtUp();
    const parked = await world.deadLetters.list('recorder');
    const byKey = new Map(parked.map((p) => [p.event.aggregateId, p]));
    expect(byKey.get('bad-1')?.error).toMatch(/Undecodable message at .*: the value is not JSON/);
    expect(byKey.get('bad-1')?.event.eventData).toBe('this is { not JSON');
    expect(byKey.get('bad-2')?.error).toContain("field 'entityType' is missing");
    expect(world.recorder.calls.some((c) => c.aggregateId === 'after-bad')).toBe(true);

    const bad = byKey.get('bad-1')!;
    const handle = world.eventloom.deliveryFor(world.recorder, { logger: silentLogger });
    await expect(retryParked(world.deadLetters, 'recorder', bad.event.eventId, handle)).rejects.toBeInstanceOf(UndecodableMessageError);
    expect(await discardParked(world.deadLetters, 'recorder', bad.event.eventId)).toMatchObject({ event: { eventId: bad.event.eventId, eventData: 'this is { not JSON' } });
    expect((await world.deadLetters.list('recorder')).map((p) => p.event.aggregateId)).toEqual(['bad-2']);
  });

  it('with holdBackAfterPark, parks the later events of an aggregate behind a parked one, and retryAll replays them in order', async () => {
    const strict = new StrictRecorder();
    const strictLoom = new Eventloom({
      eventStore: unusedEventStore,
      transport: world.transport({ holdBackAfterPark: true }),
      deadLetters: world.deadLetters,
      logger: silentLogger,
      delivery: { maxAttempts: 1 },
    });
    try {
      strict.poison.add('strict-1');
      await strictLoom.subscribe(strict);
      await world.insert([added('strict-1', 1), added('strict-ok', 1), added('strict-1', 2), added('strict-1', 3)]);
      await strictLoom.caughtUp();
      const parked = await world.deadLetters.list('strict-recorder');
      expect(parked.map((p) => p.event.version)).toEqual([1, 2, 3]);
      expect(parked[0].error).toContain('poison aggregate strict-1');
      expect(parked[1].error).toContain("Held back: an earlier event of KCounter 'strict-1' is parked");
      expect(strict.calls.map((c) => c.aggregateId).filter((id) => id.startsWith('strict'))).toEqual(['strict-ok']);

      const handle = strictLoom.deliveryFor(strict, { logger: silentLogger, delivery: { maxAttempts: 1 } });
      expect([...(await retryAllParked(world.deadLetters, 'strict-recorder', handle)).values()]).toEqual(['parked-again', 'skipped', 'skipped']);
      strict.poison.delete('strict-1');
      expect([...(await retryAllParked(world.deadLetters, 'strict-recorder', handle)).values()]).toEqual(['handled', 'handled', 'handled']);
      expect(await world.deadLetters.list('strict-recorder')).toEqual([]);

      await world.insert([added('strict-1', 4)]);
      await strictLoom.caughtUp();
      expect(strict.calls.filter((c) => c.aggregateId === 'strict-1').map((c) => c.version)).toEqual([1, 2, 3, 4]);
    } finally {
      await strictLoom.close();
    }
  });
});
