import { RowDataPacket } from 'mysql2/promise';
import { silentLogger } from '@eventloom/core';
import { Publisher } from '@eventloom/core/spi';
import { startPublisher } from './publisher';
import { topicFor } from '../topics';
import {
  brokers,
  createEventsTable,
  createTestDatabase,
  deleteTopics,
  readTopics,
  testAdmin,
  TestDatabase,
  uniqueTopicPrefix,
} from '@eventloom/test-support';
import { insertEvents, interleavedEvents } from '../../test/events';
import { Headers } from '../wire/headers';

describe('publisher (real MariaDB and Kafka)', () => {
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  const topicPrefix = uniqueTopicPrefix('pub');

  beforeAll(async () => {
    db = await createTestDatabase('publisher');
    await createEventsTable(db.pool);
    kafka = await testAdmin();
  });

  afterAll(async () => {
    await deleteTopics(kafka.admin, topicPrefix);
    await kafka.admin.disconnect();
    await db.drop();
  });

  it('publishes a backlog with positions 1..N, gap-free, in order per aggregate, and marks it published', async () => {
    const events = interleavedEvents('Counter', 1000, 10);
    await insertEvents(db.pool, events);
    const started = Date.now();
    let publisher: Publisher | undefined;
    try {
      publisher = await startPublisher({ mysqlUrl: db.url, kafka: { brokers }, topicPrefix, logger: silentLogger });
      await publisher.published();
      const elapsed = Date.now() - started;
      console.info(`published ${events.length} events in ${elapsed} ms`);
    } finally {
      await publisher?.stop();
    }
    const [rows] = await db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n, MIN(position) AS lo, MAX(position) AS hi, SUM(position <= (SELECT published_position FROM publication WHERE id = 1)) AS pub FROM events');
    expect(Number(rows[0].n)).toBe(events.length);
    expect(Number(rows[0].lo)).toBe(1);
    expect(Number(rows[0].hi)).toBe(events.length);
    expect(Number(rows[0].pub)).toBe(events.length);

    const messages = await readTopics(kafka.kafka, [topicFor('Counter', topicPrefix)], (m) => m.length >= events.length);
    expect(messages).toHaveLength(events.length);
    const positions = messages.map((m) => Number(m.headers[Headers.position])).sort((a, b) => a - b);
    expect(positions).toEqual(events.map((_, i) => i + 1));
    const lastVersion = new Map<string, number>();
    for (const m of [...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
      const value = JSON.parse(m.value);
      expect(m.key).toBe(value.entityId);
      const version = Number(m.headers[Headers.version]);
      expect(version).toBe((lastVersion.get(m.key) ?? 0) + 1);
      lastVersion.set(m.key, version);
    }
    const sample = JSON.parse(messages[0].value);
    expect(Object.keys(sample).sort()).toEqual(['entityId', 'entityType', 'eventData', 'eventType', 'id', 'metadata']);
    expect(typeof sample.eventData).toBe('string');
    expect(typeof sample.metadata).toBe('string');
  });

  it('gives a position at commit, not at insert: a lower id committed later gets a later position, and an open transaction blocks nothing', async () => {
    await createEventsTable(db.pool, 'late_');
    const publisher = await startPublisher({ pool: db.pool, tablePrefix: 'late_', kafka: { brokers }, topicPrefix: `${topicPrefix}late.`, logger: silentLogger, pollIntervalMs: 10 });
    const slow = await db.pool.getConnection();
    try {
      const [early, late] = interleavedEvents('Counter', 2, 1);
      await slow.beginTransaction();
      await slow.query(
        `INSERT INTO late_events (event_id, event_type, event_data, entity_type, entity_id, entity_version, metadata, created_at) VALUES (?, 'CounterAdded', '{}', 'Counter', ?, 1, '{}', NOW(6))`,
        [early.eventId, early.aggregateId],
      );
      await insertEvents(db.pool, [late], 'late_');
      await publisher.published(); // the committed event goes out while the other transaction is still open
      const positions = async () =>
        Object.fromEntries(
          (await db.pool.query<RowDataPacket[]>('SELECT id, event_id, position, COALESCE(position <= (SELECT published_position FROM late_publication WHERE id = 1), 0) AS published FROM late_events ORDER BY id'))[0].map((r) => [
            r.event_id,
            { id: Number(r.id), position: r.position === null ? null : Number(r.position), published: Number(r.published) },
          ]),
        );
      let now = await positions();
      expect(now[late.eventId]).toMatchObject({ position: 1, published: 1 });
      expect(now[early.eventId]).toBeUndefined();
      await slow.commit();
      await publisher.published();
      now = await positions();
      expect(now[early.eventId].id).toBeLessThan(now[late.eventId].id);
      expect(now[early.eventId]).toMatchObject({ position: 2, published: 1 });
    } finally {
      slow.release();
      await publisher.stop();
    }
  });
});
