import { randomBytes } from 'node:crypto';
import { Aggregate, Event, EventContext, EventHandlerMethod, Eventloom, EventSubscriber, silentLogger } from '@eventloom/core';
import { newId, Publisher, Subscription } from '@eventloom/core/spi';
import { MySqlDeadLetterStore } from '@eventloom/mysql';
import { brokers, createEventsTable, createTestDatabase, deleteTopics, testAdmin, TestDatabase, uniqueGroupId } from '@eventloom/test-support';
import { KafkaTransport } from '../../src/consumer/kafka-transport';
import { startPublisher } from '../../src/publisher/publisher';
import { eventuateTopicFor } from '../../src/topics';
import { toEventuateId } from '../../src/wire/eventuate-id';
import { insertEvents, TestEvent } from '../events';
import { unusedEventStore } from '../model';
import { buildEventuateJava, buildTimeoutMs, runEventuateJava } from './eventuate-java';

/**
 * Interop with Eventuate's real Java code (./java, built with Maven): its
 * subscriber reads what Eventloom's publisher sends, and Eventloom's
 * subscriber reads what Eventuate's producer sends, single and batched.
 */

// The aggregate's Java-side name has a '$' (a nested class), which Eventuate's topics spell '_DLR_'.
const run = randomBytes(4).toString('hex');
const ledgerWireName = `dev.eventloom.interop.Ledger$t${run}`;
const happenedWireName = 'dev.eventloom.interop.InteropThingHappened';
const notedWireName = 'dev.eventloom.interop.InteropThingNoted';

@Aggregate('InteropLedger', { wireName: ledgerWireName })
class InteropLedger {}
void InteropLedger;

@Event('InteropThingHappened', { aggregateType: 'InteropLedger', wireName: happenedWireName })
class ThingHappened {
  [field: string]: unknown;
}

@Event('InteropThingNoted', { aggregateType: 'InteropLedger', wireName: notedWireName })
class ThingNoted {
  [field: string]: unknown;
}

interface Handled {
  readonly eventType: string;
  readonly eventId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly data: string;
  readonly metadata: object;
}

@EventSubscriber('interop-recorder')
class Recorder {
  readonly handled: Handled[] = [];

  @EventHandlerMethod(ThingHappened)
  async happened(context: EventContext<ThingHappened>): Promise<void> {
    this.record(context);
  }

  @EventHandlerMethod(ThingNoted)
  async noted(context: EventContext<ThingNoted>): Promise<void> {
    this.record(context);
  }

  private record(context: EventContext<object>): void {
    const { eventType, eventId, aggregateType, aggregateId, metadata } = context;
    this.handled.push({ eventType, eventId, aggregateType, aggregateId, data: JSON.stringify(context.event), metadata });
  }
}

const topic = eventuateTopicFor(ledgerWireName);

describe('interop with Eventuate (its Java client, real Kafka and MariaDB)', () => {
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;

  beforeAll(async () => {
    buildEventuateJava();
    db = await createTestDatabase('interop');
    await createEventsTable(db.pool);
    kafka = await testAdmin();
  }, buildTimeoutMs + 30_000);

  afterAll(async () => {
    await deleteTopics(kafka.admin, topic);
    await kafka.admin.disconnect();
    await db.drop();
  });

  it("names the topic as Eventuate does: the aggregate's wire name, '$' as _DLR_", () => {
    expect(topic).toBe(`dev.eventloom.interop.Ledger_DLR_t${run}`);
    expect(new KafkaTransport({ topicNaming: 'eventuate', brokers }).topicOf('InteropLedger')).toBe(topic);
  });

  it("Eventuate's subscriber (EventuateKafkaAggregateSubscriptions) receives every event Eventloom's publisher sends, right, in order per aggregate", async () => {
    const data = [
      '{"nested":{"list":[1,{"deep":"yes"}],"empty":{},"none":[]},"n":1}',
      JSON.stringify({ text: 'café – 日本語 \u2028 line \u2029 para 😀 "quoted" \\ back\tslash\n' }),
      '{"big":12345678901234567890123,"beyondDouble":9007199254740993,"negative":-9223372036854775809,"price":12.5}',
      '{"note":null,"list":[null,true,false]}',
    ];
    const events: TestEvent[] = [];
    for (let version = 1; version <= 6; version++) {
      for (const aggregateId of ['ledger-a', 'ledger-b', 'ledger-c']) {
        events.push({
          eventId: newId(),
          eventType: version % 2 ? 'InteropThingHappened' : 'InteropThingNoted',
          aggregateType: 'InteropLedger',
          aggregateId,
          version,
          data: {},
          eventData: data[(version + aggregateId.length) % data.length],
        });
      }
    }
    await insertEvents(db.pool, events);
    let publisher: Publisher | undefined;
    try {
      publisher = await startPublisher({ pool: db.pool, kafka: { brokers }, topicNaming: 'eventuate', partitions: 3, logger: silentLogger });
      await publisher.published();
    } finally {
      await publisher?.stop();
    }

    const lines = await runEventuateJava([
      'subscribe',
      brokers.join(','),
      uniqueGroupId('interop-java'),
      ledgerWireName,
      `${happenedWireName},${notedWireName}`,
      String(events.length),
      '2000',
    ]).done;
    const received = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(received).toHaveLength(events.length);
    for (const aggregateId of ['ledger-a', 'ledger-b', 'ledger-c']) {
      const sent = events.filter((e) => e.aggregateId === aggregateId);
      const got = received.filter((r) => r.entityId === aggregateId);
      expect(got.map((r) => [r.eventType, r.eventId, r.data])).toEqual(
        sent.map((e) => [e.eventType === 'InteropThingHappened' ? happenedWireName : notedWireName, toEventuateId(e.eventId), e.eventData]),
      );
      for (const r of got) {
        expect(r.metadataAllStrings).toBe(true);
        expect(JSON.parse(String(r.metadata))).toMatchObject({ schemaVersion: '1' });
      }
    }
  });

  describe("Eventloom's subscriber reads what Eventuate's producer (EventuateKafkaProducer) sends", () => {
    let eventloom: Eventloom;
    let recorder: Recorder;
    let subscription: Subscription;
    let sequence = 0;
    const idBase = Date.now().toString(16).padStart(16, '0');

    /** A PublishedEvent's fields as Eventuate writes them: Int128 ids that grow per aggregate. */
    const published = (aggregateId: string, eventType: string, payload: object) => ({
      id: `${idBase}-${(++sequence).toString(16).padStart(16, '0')}`,
      entityId: aggregateId,
      entityType: ledgerWireName,
      eventType,
      eventData: JSON.stringify(payload),
      metadata: JSON.stringify({ tenant: 'acme', traceId: `t-${sequence}` }),
    });

    beforeAll(async () => {
      const deadLetters = await new MySqlDeadLetterStore({ pool: db.pool }).ready();
      eventloom = new Eventloom({
        eventStore: unusedEventStore,
        transport: new KafkaTransport({ brokers, topicNaming: 'eventuate', groupIdPrefix: uniqueGroupId('interop'), logger: silentLogger }),
        deadLetters,
        logger: silentLogger,
      });
      recorder = new Recorder();
      subscription = await eventloom.subscribe(recorder);
    });

    afterAll(async () => {
      await eventloom.close();
    });

    let before = 0;

    async function produceAndExpect(mode: 'single' | 'multi', sent: ReturnType<typeof published>[], resent: ReturnType<typeof published>[] = []) {
      const input = [...sent, ...resent].map((e) => JSON.stringify(e)).join('\n');
      await runEventuateJava(['produce', brokers.join(','), mode], input).done;
      await subscription.caughtUp!();
      // The topic also holds what the test above published (read too, and checked there): only Eventuate's aggregates count here.
      const handled = recorder.handled.slice(before).filter((h) => h.aggregateId.startsWith('java-'));
      before = recorder.handled.length;
      expect(handled).toHaveLength(sent.length);
      for (const aggregateId of new Set(sent.map((e) => e.entityId))) {
        const expected = sent.filter((e) => e.entityId === aggregateId);
        expect(handled.filter((h) => h.aggregateId === aggregateId)).toEqual(
          expected.map((e) => ({
            eventType: e.eventType === happenedWireName ? 'InteropThingHappened' : 'InteropThingNoted',
            eventId: `${e.id.slice(0, 8)}-${e.id.slice(8, 12)}-${e.id.slice(12, 16)}-${e.id.slice(17, 21)}-${e.id.slice(21)}`,
            aggregateType: 'InteropLedger',
            aggregateId,
            data: e.eventData,
            metadata: { ...JSON.parse(e.metadata), correlationId: '', schemaVersion: 1 },
          })),
        );
      }
    }

    it('one PublishedEvent per record (with binlogFileOffset, no Eventloom headers): each handled once, in order, a resend dropped', async () => {
      const sent = [
        published('java-1', happenedWireName, { text: 'naïve \u2028 😀', nested: { list: [1, null, { x: 'y' }] } }),
        published('java-2', notedWireName, { note: null }),
        published('java-1', notedWireName, { n: 9007199254740991 }),
        published('java-2', happenedWireName, { n: -1 }),
        published('java-1', happenedWireName, { last: true }),
      ];
      await produceAndExpect('single', sent, [sent[0], sent[2]]);
    });

    it('multi-message records (several PublishedEvents in one record): each handled once, in order', async () => {
      const sent = [
        published('java-3', happenedWireName, { i: 1 }),
        published('java-3', notedWireName, { i: 2, text: 'x\u2028y' }),
        published('java-3', happenedWireName, { i: 3 }),
        published('java-4', notedWireName, { i: 1 }),
        published('java-4', happenedWireName, { i: 2 }),
        published('java-3', notedWireName, { i: 4 }),
      ];
      await produceAndExpect('multi', sent, [sent[1], sent[4]]);
    });
  });
});
