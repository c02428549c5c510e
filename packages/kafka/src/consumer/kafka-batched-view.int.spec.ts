import { Partitioners, Producer } from 'kafkajs';
import { RowDataPacket } from 'mysql2/promise';
import { EventContext, EventHandlerMethod, Eventloom, EventSubscriber, silentLogger } from '@eventloom/core';
import { Publisher } from '@eventloom/core/spi';
import { MySqlDeadLetterStore, MySqlPublicationLog, MySqlViews, mysqlViews } from '@eventloom/mysql';
import { brokers, createTestDatabase, deleteTopics, testAdmin, TestDatabase, uniqueTopicPrefix } from '@eventloom/test-support';
import { KafkaTransport } from './kafka-transport';
import { startPublisher } from '../publisher/publisher';
import { topicFor } from '../topics';
import { encodePublishedEvent } from '../wire/published-event-codec';
import { insertEvents, interleavedEvents } from '../../test/events';
import { CounterAdded, unusedEventStore } from '../../test/model';

const AGGREGATES = 20;
const PER_AGGREGATE = 30;
const EVENTS = AGGREGATES * PER_AGGREGATE;

/**
 * A batched MySQL view (runs of up to 200 events in one transaction) fed from Kafka: each event's change exactly
 * once, although Kafka hands it repeats (a resend of published events, landing in the middle of the runs) and a
 * run fails part way through and is handed again (at-least-once). The second line of defence (the dedup records'
 * primary key: a run that repeats a recorded event fails at commit and is handled again one event at a time) is
 * part of what is tested: the test looks only at what a reader of the view sees.
 */
@EventSubscriber('batched-totals', { batch: { maxEvents: 200 } })
class BatchedTotals {
  /** The event (a `once` one) whose first handling throws after its change and the run's earlier ones were sent. */
  failOnce?: string;
  calls = 0;
  constructor(private readonly views: MySqlViews) {}

  @EventHandlerMethod(CounterAdded)
  async added(ctx: EventContext<CounterAdded>): Promise<void> {
    this.calls++;
    const sql = 'INSERT INTO batched_totals (aggregate_id, events, amount) VALUES (?, 1, ?) ON DUPLICATE KEY UPDATE events = events + 1, amount = amount + VALUES(amount)';
    const values = [ctx.aggregateId, ctx.event.amount];
    // Both ways a view changes: queued (write), and at once on the run's connection (once, which first sends what
    // is queued), so that a failing run has changes on the server to take back.
    if (ctx.version % 5 === 0) {
      await this.views.once(ctx, async (tx) => {
        await tx.execute(sql, values);
        if (ctx.eventId === this.failOnce) {
          this.failOnce = undefined;
          throw new Error('the run fails part way through, its changes so far sent');
        }
      });
    }
    else await this.views.write(ctx, sql, values);
  }
}

describe('a batched MySQL view fed from Kafka (real MariaDB and Kafka)', () => {
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  let producer: Producer;
  let publisher: Publisher;
  let eventloom: Eventloom;
  const topicPrefix = uniqueTopicPrefix('batchedview');

  beforeAll(async () => {
    db = await createTestDatabase('batched_view', { migrated: true });
    await db.pool.query('CREATE TABLE batched_totals (aggregate_id VARCHAR(64) PRIMARY KEY, events INT NOT NULL, amount INT NOT NULL)');
    kafka = await testAdmin();
    await kafka.admin.createTopics({ topics: [{ topic: topicFor('KCounter', topicPrefix), numPartitions: 4 }], waitForLeaders: true });
    producer = kafka.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await eventloom?.close();
    await publisher?.stop();
    await producer?.disconnect();
    await deleteTopics(kafka.admin, topicPrefix);
    await kafka.admin.disconnect();
    await db?.drop();
  });

  function service(): Eventloom {
    const transport = new KafkaTransport({ brokers, topicPrefix, groupIdPrefix: topicPrefix, publication: publisher, logger: silentLogger });
    return new Eventloom({
      eventStore: unusedEventStore,
      transport,
      deadLetters: new MySqlDeadLetterStore({ pool: db.pool }),
      logger: silentLogger,
      delivery: { maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 5 },
    });
  }

  it('applies every event once: resends (across a restart, and within a run) and a run failing part way repeat nothing', async () => {
    const events = interleavedEvents('KCounter', AGGREGATES, PER_AGGREGATE, 'KCounterAdded');
    const topic = topicFor('KCounter', topicPrefix);
    const resend = async (after: number, count: number) => {
      const copies = await new MySqlPublicationLog({ pool: db.pool }).readPublished(after, count);
      await producer.send({ topic, acks: -1, messages: copies.map((copy) => encodePublishedEvent(copy)) });
    };
    await new MySqlDeadLetterStore({ pool: db.pool }).ready();
    await insertEvents(db.pool, events.slice(0, EVENTS / 2));
    publisher = await startPublisher({ pool: db.pool, kafka: { brokers }, topicPrefix, logger: silentLogger, pollIntervalMs: 10 });
    await publisher.published();

    // The first instance handles the first half, and goes away.
    const first = new BatchedTotals(mysqlViews(db.pool));
    eventloom = service();
    await eventloom.subscribe(first);
    await eventloom.caughtUp();
    await eventloom.close();

    // Resent: 100 events the first instance handled (a new process does not know them), then the second half,
    // then 50 of the second half again, in the same runs as their originals; one event of the second half fails
    // once, after its change and those queued before it in its run were sent to the server.
    await resend(100, 100);
    await insertEvents(db.pool, events.slice(EVENTS / 2));
    await publisher.published();
    await resend(EVENTS / 2, 50);
    const second = new BatchedTotals(mysqlViews(db.pool));
    const failing = events[EVENTS / 2 + 4 * AGGREGATES + 7];
    expect(failing.version % 5).toBe(0);
    second.failOnce = failing.eventId;
    eventloom = service();
    await eventloom.subscribe(second);
    await eventloom.caughtUp();

    // Kafka handed the second instance more than the second half: repeats, and the failed run again.
    expect(second.failOnce).toBeUndefined();
    expect(first.calls).toBe(EVENTS / 2);
    expect(second.calls).toBeGreaterThan(EVENTS / 2);
    const [rows] = await db.pool.query<RowDataPacket[]>('SELECT aggregate_id, events, amount FROM batched_totals');
    const expectedAmount = (PER_AGGREGATE * (PER_AGGREGATE + 1)) / 2;
    const byId = (a: unknown[], b: unknown[]) => (String(a[0]) < String(b[0]) ? -1 : 1);
    expect(rows.map((r) => [r.aggregate_id, r.events, r.amount]).sort(byId)).toEqual(
      Array.from({ length: AGGREGATES }, (_, a) => [`agg-${a}`, PER_AGGREGATE, expectedAmount]).sort(byId),
    );
    const [[records]] = await db.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM received_events WHERE subscriber_id = 'batched-totals'");
    expect(Number(records.n)).toBe(EVENTS);
    expect(await eventloom.deadLetters.list('batched-totals')).toEqual([]);
  });
});
