import { Eventloom, silentLogger } from '@eventloom/core';
import { Publisher, sleep } from '@eventloom/core/spi';
import { MySqlDeadLetterStore, MySqlEventStore, MySqlPublicationLog, MySqlRebuildMarks } from '@eventloom/mysql';
import { KafkaTransport } from '../consumer/kafka-transport';
import { testTransport } from '../../test/test-transport';
import { startPublisher } from '../publisher/publisher';
import { topicFor } from '../topics';
import { rebuild, rebuildSubscriber, RebuildProgress, SubscriberActiveError } from './rebuild';
import { StoredEvent } from '@eventloom/core/spi';
import {
  brokers,
  createEventsTable,
  createTestDatabase,
  deleteTopics,
  testAdmin,
  TestDatabase,
  uniqueTopicPrefix,
} from '@eventloom/test-support';
import { Account, BalancesView, Deposit, OpenAccount } from '../../test/accounts';

describe('rebuild from the event store, then hand over to Kafka (real MariaDB and Kafka)', () => {
  const topicPrefix = uniqueTopicPrefix('rebuild');
  const topic = topicFor('RAccount', topicPrefix);
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  let publisher: Publisher;
  let log: MySqlPublicationLog;
  let marks: MySqlRebuildMarks;
  const expected = new Map<string, number>();
  const eventloom = (): Eventloom & { transport: KafkaTransport } => {
    const eventStore = new MySqlEventStore({ url: db.url });
    return new Eventloom({
      eventStore,
      transport: testTransport({
        brokers, topicPrefix, rebuildMarks: marks, publication: log,
      }),
      deadLetters: MySqlDeadLetterStore.of(eventStore),
      logger: silentLogger,
    }) as Eventloom & { transport: KafkaTransport };
  };
  const write = async (loom: Eventloom, accounts: number, deposits: number, label: string) => {
    for (let a = 0; a < accounts; a++) {
      const id = `${label}-${a}`;
      await loom.repository.create(Account, new OpenAccount(id), { id });
      expected.set(id, 0);
    }
    for (let d = 1; d <= deposits; d++) {
      await Promise.all(
        Array.from({ length: accounts }, async (_, a) => {
          await loom.repository.update(Account, `${label}-${a}`, new Deposit(d));
          expected.set(`${label}-${a}`, expected.get(`${label}-${a}`)! + d);
        }),
      );
    }
  };
  const snapshotOf = (map: Map<string, number>) => Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)));

  beforeAll(async () => {
    db = await createTestDatabase('rebuild');
    await createEventsTable(db.pool);
    kafka = await testAdmin();
    await kafka.admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    publisher = await startPublisher({ mysqlUrl: db.url, kafka: { brokers }, topicPrefix, logger: silentLogger, pollIntervalMs: 10 });
    log = new MySqlPublicationLog({ pool: db.pool });
    marks = await new MySqlRebuildMarks({ pool: db.pool }).ready();
  });

  afterAll(async () => {
    await publisher?.stop();
    await log?.close();
    await marks?.close();
    await deleteTopics(kafka.admin, topicPrefix);
    await kafka.admin.disconnect();
    await db.drop();
  });

  it('rebuilds a view after Kafka lost the old messages; it equals the view built live, and goes on with no gap and no repeat', async () => {
    // Live: a view fed by Kafka while the first events are written.
    const first = eventloom();
    const live = new BalancesView();
    await first.subscribe(live);
    await write(first, 40, 5, 'early');
    await first.caughtUp();
    expect(live.snapshot()).toEqual(snapshotOf(expected));
    await first.close();

    // Kafka loses everything: the topic is deleted and created again, empty.
    await kafka.admin.deleteTopics({ topics: [topic] });
    for (let tries = 0; ; tries++) {
      try {
        if (await kafka.admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true })) break;
      } catch (error) {
        if (tries > 100) throw error;
      }
      await sleep(100);
    }

    // Rebuild a fresh view from the store while more events are being written (and published to the new topic).
    const second = eventloom();
    const rebuilt = new BalancesView();
    const progress: RebuildProgress[] = [];
    const writing = write(second, 10, 3, 'during');
    const result = await rebuildSubscriber(second, rebuilt, {
      log,
      marks,
      kafka: { brokers },
      topology: second.transport.topology,
      batchSize: 50,
      logger: silentLogger,
      onProgress: (p) => progress.push(p),
    });
    await writing;
    expect(result.position).toBeGreaterThanOrEqual(240);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress[progress.length - 1].handled).toBe(result.handled);
    for (const [id, balance] of Object.entries(live.snapshot())) expect(rebuilt.balances.get(id)).toBe(balance);

    // Hand over to Kafka, write more, and compare with what was written.
    await second.subscribe(rebuilt);
    await write(second, 10, 2, 'after');
    await second.caughtUp();
    expect(rebuilt.snapshot()).toEqual(snapshotOf(expected));
    expect(rebuilt.repeats).toBe(0);
    expect(rebuilt.applied.size).toBe(Number(await log.lastPosition()));

    // A rebuild refuses to run while the subscriber is subscribed.
    await expect(
      rebuildSubscriber(second, new BalancesView(), { log, marks, kafka: { brokers }, topology: second.transport.topology, logger: silentLogger }),
    ).rejects.toBeInstanceOf(SubscriberActiveError);
    await second.close();
  });
  it('hands a batching subscriber two runs at once with concurrentRuns: 2, never one aggregate in both, each event once and in order', async () => {
    if (expected.size === 0) await write(eventloom(), 20, 5, 'lanes');
    const loom = eventloom();
    const seen = new Map<string, number[]>();
    const inFlight = new Set<string>();
    let running = 0;
    let mostAtOnce = 0;
    let overlaps = 0;
    const result = await rebuild(
      {
        subscriberId: `lanes-${Date.now()}`,
        aggregateTypes: ['RAccount'],
        eventTypes: ['RAccountOpened', 'RDeposited'],
        handle: async () => {
          throw new Error('a batching subscriber gets runs, not single events');
        },
        batch: {
          maxEvents: 7,
          handle: async (events: readonly StoredEvent[]) => {
            const aggregates = new Set(events.map((e) => e.aggregateId));
            for (const id of aggregates) if (inFlight.has(id)) overlaps++;
            for (const id of aggregates) inFlight.add(id);
            mostAtOnce = Math.max(mostAtOnce, ++running);
            await sleep(2);
            for (const e of events) seen.set(e.aggregateId, [...(seen.get(e.aggregateId) ?? []), e.version]);
            for (const id of aggregates) inFlight.delete(id);
            running--;
          },
        },
      },
      { log, marks, kafka: { brokers }, topology: loom.transport.topology, batchSize: 50, concurrentRuns: 2, logger: silentLogger },
    );
    await loom.close();
    expect(mostAtOnce).toBe(2);
    expect(overlaps).toBe(0);
    expect([...seen.values()].reduce((n, versions) => n + versions.length, 0)).toBe(result.handled);
    expect(result.handled).toBe(Number(await log.lastPosition()));
    for (const versions of seen.values()) expect(versions).toEqual(versions.map((_, i) => i + 1));
  });
});
