import { RowDataPacket } from 'mysql2/promise';
import { Eventloom, silentLogger } from '@eventloom/core';
import { InMemoryDeadLetterStore } from '@eventloom/in-memory';
import { testTransport } from '../../test/test-transport';
import { MySqlPublicationLog } from '@eventloom/mysql';
import { topicFor } from '../topics';
import { Headers } from '../wire/headers';
import {
  brokers,
  ChildPublisher,
  createEventsTable,
  createTestDatabase,
  deleteTopics,
  eventually,
  eventloomCli,
  readTopics,
  slowedPublisherProgram,
  testAdmin,
  TestDatabase,
  uniqueTopicPrefix,
} from '@eventloom/test-support';
import { insertEvents, interleavedEvents } from '../../test/events';
import { Recorder, unusedEventStore } from '../../test/model';

/** Publishers as separate processes, killed with SIGKILL or cut off from MySQL. */

describe('publisher failover (real MariaDB and Kafka, child processes)', () => {
  const topicPrefix = uniqueTopicPrefix('failover');
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  const children: ChildPublisher[] = [];

  /** The shipped CLI, or (with sendDelayMs) the test program whose sends wait that long each. */
  const startChild = async (tablePrefix: string, prefix: string, batchSize: number, sendDelayMs?: number) => {
    const args = [
      '--mysql', db.url, '--kafka', brokers.join(','), '--table-prefix', tablePrefix, '--topic-prefix', prefix,
      '--batch-size', String(batchSize), '--poll-ms', '10',
    ];
    const child =
      sendDelayMs === undefined
        ? await ChildPublisher.start(eventloomCli, ['publisher', ...args])
        : await ChildPublisher.start(slowedPublisherProgram, [...args, '--send-delay-ms', String(sendDelayMs)]);
    children.push(child);
    return child;
  };
  const count = async (sql: string) => Number((await db.pool.query<RowDataPacket[]>(sql))[0][0].n);
  const expectGapFreeAndPublished = async (table: string, n: number) => {
    const [rows] = await db.pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT position) AS d, MIN(position) AS lo, MAX(position) AS hi,
              SUM(position <= (SELECT published_position FROM ${table.replace('events', 'publication')} WHERE id = 1)) AS pub FROM ${table}`,
    );
    expect(rows[0]).toEqual({ n: n, d: n, lo: 1, hi: n, pub: String(n) });
  };

  beforeAll(async () => {
    db = await createTestDatabase('failover');
    kafka = await testAdmin();
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await deleteTopics(kafka.admin, topicPrefix);
    await kafka.admin.disconnect();
    await db.drop();
  });

  it('loses nothing when the leader is killed mid-stream, and the consumer applies nothing twice', async () => {
    await createEventsTable(db.pool, 'a_');
    const prefix = `${topicPrefix}a.`;
    const publication = new MySqlPublicationLog({ pool: db.pool, tablePrefix: 'a_' });
    const recorder = new Recorder();
    const eventloom = new Eventloom({
      eventStore: unusedEventStore,
      transport: testTransport({
        brokers, topicPrefix: prefix, publication,
      }),
      deadLetters: new InMemoryDeadLetterStore(),
      logger: silentLogger,
    });
    try {
      await eventloom.subscribe(recorder);
      const events = interleavedEvents('KCounter', 500, 40, 'KCounterAdded');
      await insertEvents(db.pool, events, 'a_');

      // 80 ms per 100-event batch caps a publisher near 1,250 events/s (16 s for the backlog): the kill lands
      // mid-stream even on a loaded machine, where starting the second child took long enough for 20 ms per batch
      // (5,000 events/s) to publish everything first.
      const first = await startChild('a_', prefix, 100, 80);
      await eventually(() => first.leads, 'the first publisher to lead');
      const second = await startChild('a_', prefix, 100, 80);
      await eventually(async () => (await count('SELECT published_position AS n FROM a_publication WHERE id = 1')) >= 2_000, 'some events published');
      await first.crash();
      const crashedAt = Date.now();
      const publishedAtCrash = await count('SELECT published_position AS n FROM a_publication WHERE id = 1');
      expect(publishedAtCrash).toBeLessThan(events.length);
      await eventually(() => second.leads, 'the second publisher to take over', 15_000);
      expect(Date.now() - crashedAt).toBeLessThan(10_000);
      await publication.published();
      await expectGapFreeAndPublished('a_events', events.length);

      await eventloom.caughtUp();
      const ids = recorder.calls.map((c) => c.eventId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(events.length);
      const versions = new Map<string, number>();
      for (const call of recorder.calls) {
        expect(call.version).toBe((versions.get(call.aggregateId) ?? 0) + 1);
        versions.set(call.aggregateId, call.version);
      }

      // Kafka may hold repeats (sent, not marked, sent again), but always under the same position.
      const messages = await readTopics(kafka.kafka, [topicFor('KCounter', prefix)], (m) => m.length >= events.length);
      const positionOf = new Map<string, number>();
      for (const m of messages) {
        const id = JSON.parse(m.value).id as string;
        const position = Number(m.headers[Headers.position]);
        expect(positionOf.get(id) ?? position).toBe(position);
        positionOf.set(id, position);
      }
      expect(positionOf.size).toBe(events.length);
    } finally {
      await eventloom.close();
      await publication.close();
    }
  }, 120_000); // the backlog takes ~16 s at the capped rate, and child processes start slowly on a loaded machine

  it("hands over within seconds when the leader's MySQL connection is killed", async () => {
    await createEventsTable(db.pool, 'b_');
    const prefix = `${topicPrefix}b.`;
    const one = await startChild('b_', prefix, 1000);
    const two = await startChild('b_', prefix, 1000);
    await eventually(() => one.leads || two.leads, 'a publisher to lead');
    await insertEvents(db.pool, interleavedEvents('KCounter', 100, 20, 'KCounterAdded'), 'b_');
    const publication = new MySqlPublicationLog({ pool: db.pool, tablePrefix: 'b_' });
    try {
      await publication.published();
      const lock = `${db.name}.b_eventloom_publisher`;
      const holder = async () => (await db.pool.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS id', [lock]))[0][0].id as number | null;
      const before = await holder();
      expect(before).not.toBeNull();
      await db.pool.query(`KILL CONNECTION ${Number(before)}`);
      const killedAt = Date.now();
      await insertEvents(db.pool, interleavedEvents('KCounter', 100, 20, 'KCounterAdded').map((e) => ({ ...e, aggregateId: `later-${e.aggregateId}` })), 'b_');
      await publication.published();
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      const after = await holder();
      expect(after).not.toBeNull();
      expect(after).not.toBe(before);
      await expectGapFreeAndPublished('b_events', 4_000);
    } finally {
      await publication.close();
    }
  });
});
