import { randomBytes } from 'node:crypto';
import { PoolConnection } from 'mysql2/promise';
import { Command, CommandContext, CommandHandlers, defineSaga, Eventloom, HandlesCommand, Messaging, Replies, Reply, silentLogger } from '@eventloom/core';
import { Publisher } from '@eventloom/core/spi';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlMessaging } from '@eventloom/mysql';
import { brokers, createTestDatabase, deleteTopics, eventually, testAdmin, TestDatabase, uniqueGroupId } from '@eventloom/test-support';
import { KafkaTransport } from '../../src/consumer/kafka-transport';
import { startPublisher } from '../../src/publisher/publisher';
import { ensureTopics } from '../../src/topics';
import { buildTimeoutMs, javaProgram } from './eventuate-java';

/**
 * Interop with Eventuate Tram's real Java classes (./java-tram, built with
 * Maven): a Tram saga participant answers an Eventloom saga's commands, and
 * Eventloom's command handlers answer a Tram command sender, over the shared
 * Kafka broker, one topic per channel, in the format Tram's CDC writes.
 */

const tram = javaProgram('java-tram', 'dev.eventloom.tram.TramInterop');
const run = randomBytes(4).toString('hex');
const prefix = `tram-interop-${run}.`;
const creditChannel = `${prefix}customerService`;
// The batching participant's own channel: a Tram consumer group reads a channel from its start.
const batchedCreditChannel = `${prefix}customerServiceBatched`;
const deliveryChannel = `${prefix}deliveryService`;
const deliveryReplies = `${prefix}JavaOrderSaga-reply`;
const sagaType = `${prefix}CreateOrderSaga`;
const sagaReplies = `${sagaType}-reply`;
const CREDIT_LIMIT = 100;

// The Java classes' names are the wire names: Tram's command_type and reply_type are class names.
@Reply('dev.eventloom.tram.CreditReserved')
class CreditReserved {
  constructor(
    readonly customerId: string,
    readonly reserved: number,
    readonly available: number,
  ) {}
}

@Reply('dev.eventloom.tram.CreditLimitExceeded')
class CreditLimitExceeded {
  constructor(
    readonly customerId: string,
    readonly requested: number,
    readonly limit: number,
  ) {}
}

@Command('dev.eventloom.tram.ReserveCredit')
class ReserveCredit {
  declare readonly replies?: Replies<CreditReserved, CreditLimitExceeded>;
  constructor(
    readonly customerId: string,
    readonly amount: number,
  ) {}
}

@Reply('dev.eventloom.tram.DeliveryScheduled')
class DeliveryScheduled {
  constructor(
    readonly orderId: string,
    readonly slot: string,
  ) {}
}

@Reply('dev.eventloom.tram.DeliveryRefused')
class DeliveryRefused {
  constructor(
    readonly orderId: string,
    readonly reason: string,
  ) {}
}

@Command('dev.eventloom.tram.ScheduleDelivery')
class ScheduleDelivery {
  declare readonly replies?: Replies<DeliveryScheduled, DeliveryRefused>;
  constructor(
    readonly orderId: string,
    readonly parcels: number,
  ) {}
}

interface OrderData {
  customerId: string;
  amount: number;
  log: string[];
  rejection?: string;
}

function createOrderSaga(type = sagaType, channel = creditChannel, timeoutMs = 60_000) {
  return defineSaga<OrderData, PoolConnection>(type, { compensationRetry: { maxAttempts: 3, initialDelayMs: 20 } })
    .step()
    .invokeLocal((data) => void data.log.push('order pending'))
    .withCompensation((data, ctx) => {
      data.log.push('order rejected');
      data.rejection = ctx.reason;
    })
    .step()
    .invokeParticipant(channel, (data) => new ReserveCredit(data.customerId, data.amount))
    .onSuccess((data, reply) => {
      // Decoded into the declared class, not left a plain object.
      data.log.push(`${reply instanceof CreditReserved ? 'CreditReserved' : 'untyped'}: ${reply.reserved} reserved, ${reply.available} left`);
    })
    .onReply(CreditLimitExceeded, (data, reply) => {
      data.log.push(`${reply instanceof CreditLimitExceeded ? 'CreditLimitExceeded' : 'untyped'}: ${reply.requested} over the limit of ${reply.limit}`);
    })
    .withTimeout(timeoutMs, (data) => void data.log.push('no reply in time'))
    .step()
    .invokeLocal((data) => void data.log.push('order approved'))
    .build();
}

@CommandHandlers(deliveryChannel)
class DeliveryHandlers {
  readonly received: unknown[] = [];

  @HandlesCommand(ScheduleDelivery)
  async schedule(ctx: CommandContext<ScheduleDelivery, PoolConnection>) {
    this.received.push(ctx.command);
    if (ctx.command.parcels > 3) return ctx.failure(new DeliveryRefused(ctx.command.orderId, `${ctx.command.parcels} parcels do not fit a van`));
    return ctx.success(new DeliveryScheduled(ctx.command.orderId, `slot-for-${ctx.command.parcels}`));
  }
}

type Line = Record<string, Record<string, unknown>>;

describe("interop with Eventuate Tram (its Java classes, real Kafka and MariaDB)", () => {
  let db: TestDatabase;
  let kafka: Awaited<ReturnType<typeof testAdmin>>;
  let publisher: Publisher;
  let eventloom: Eventloom;
  let messaging: Messaging<PoolConnection>;

  beforeAll(async () => {
    tram.build();
    db = await createTestDatabase('tram_interop', { migrated: true });
    kafka = await testAdmin();
    // Tram's consumer finds a topic made after it subscribed only at its next metadata refresh (minutes): make them first.
    await ensureTopics(kafka.admin, [creditChannel, batchedCreditChannel, deliveryChannel, deliveryReplies, sagaReplies, `${sagaType}Batched-reply`], 2);
    const store = new MySqlEventStore({ url: db.url });
    publisher = await startPublisher({ pool: store.pool, kafka: { brokers }, topicNaming: 'eventuate', logger: silentLogger, pollIntervalMs: 5 });
    const transport = new KafkaTransport({
      brokers,
      topicNaming: 'eventuate',
      groupIdPrefix: uniqueGroupId('tram-interop'),
      publication: publisher,
      logger: silentLogger,
      consumer: { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 3_000 },
    });
    const delivery = { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 };
    eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger, delivery });
    messaging = mysqlMessaging(eventloom, { logger: silentLogger, delivery, timerIntervalMs: 20 });
  }, buildTimeoutMs + 60_000);

  afterAll(async () => {
    await messaging?.close();
    await eventloom?.close();
    await publisher?.stop();
    if (kafka) {
      await deleteTopics(kafka.admin, prefix);
      await kafka.admin.disconnect();
    }
    await db?.drop();
  });

  it("an Eventloom saga completes on a Tram participant's success reply and compensates on its failure reply (SagaCommandDispatcher, CommandHandlerReplyBuilder), and on its deadline when a throwing Tram handler sends none", async () => {
    const participant = tram.run(['participant', brokers.join(','), creditChannel, uniqueGroupId('tram-participant'), String(CREDIT_LIMIT), '3', '1500'], '', 90_000);
    // A deadline short enough for the test, long enough for the JVM to start and join: the handler that throws gets no reply (see below).
    const sagas = await messaging.sagas(createOrderSaga(sagaType, creditChannel, 25_000));
    const within = await sagas.start({ customerId: 'customer-within', amount: 60, log: [] });
    const over = await sagas.start({ customerId: 'customer-over', amount: 500, log: [] });
    const throwing = await sagas.start({ customerId: 'customer-negative', amount: -1, log: [] });
    const settled = async () => (await Promise.all([within, over, throwing].map((id) => sagas.find(id)))).every((s) => s?.status !== 'RUNNING');
    // The participant ends once it has answered the three commands.
    const lines = (await participant.done).map((line) => JSON.parse(line) as Line);
    await eventually(settled, 'the three sagas end', 60_000);

    const completed = (await sagas.find(within))!;
    expect(completed.status).toBe('COMPLETED');
    expect(completed.data.log).toEqual(['order pending', 'CreditReserved: 60 reserved, 40 left', 'order approved']);
    const compensated = (await sagas.find(over))!;
    expect(compensated.status).toBe('COMPENSATED');
    expect(compensated.data.log).toEqual(['order pending', 'CreditLimitExceeded: 500 over the limit of 100', 'order rejected']);
    expect(compensated.reason).toContain('dev.eventloom.tram.CreditLimitExceeded');
    // The participant's handler threw: Tram 0.36 sends no reply then (CommandHandlers.findExceptionHandler throws
    // UnsupportedOperationException without an exception handler), so the saga's deadline compensates.
    const unanswered = (await sagas.find(throwing))!;
    expect(unanswered.status).toBe('COMPENSATED');
    expect(unanswered.data.log).toEqual(['order pending', 'no reply in time', 'order rejected']);

    // What Tram's side saw and wrote, in its own terms.
    const commands = lines.filter((l) => l.command).map((l) => l.command);
    expect(commands).toHaveLength(3);
    for (const [sagaId, customerId, amount] of [[within, 'customer-within', 60], [over, 'customer-over', 500]] as const) {
      const command = commands.find((c) => c.sagaId === sagaId)!;
      expect(command).toMatchObject({ commandType: 'dev.eventloom.tram.ReserveCredit', replyTo: sagaReplies, sagaType, customerId, amount });
      expect(command.correlationHeaders).toMatchObject({ commandreply_saga_id: sagaId, commandreply_saga_type: sagaType, commandreply_type: 'dev.eventloom.tram.ReserveCredit' });
    }
    const replies = lines.filter((l) => l.sent).map((l) => l.sent as { payload: string; headers: Record<string, string> });
    expect(replies.map((r) => [r.headers.commandreply_saga_id, r.headers.reply_type, r.headers['reply_outcome-type'], r.headers.DESTINATION]).sort()).toEqual(
      [
        [within, 'dev.eventloom.tram.CreditReserved', 'SUCCESS', sagaReplies],
        [over, 'dev.eventloom.tram.CreditLimitExceeded', 'FAILURE', sagaReplies],
      ].sort(),
    );
    for (const reply of replies) {
      const command = commands.find((c) => c.sagaId === reply.headers.commandreply_saga_id)!;
      expect(reply.headers.reply_to_message_id).toBe(command.messageId);
    }
  }, 120_000);

  it("an Eventloom saga reads Tram replies that the CDC batched into one multi-message record", async () => {
    const participant = tram.run(['participant', brokers.join(','), batchedCreditChannel, uniqueGroupId('tram-batched'), String(CREDIT_LIMIT), '3', '1500', 'batched'], '', 90_000);
    const sagas = await messaging.sagas(createOrderSaga(`${sagaType}Batched`, batchedCreditChannel));
    const ids = [
      await sagas.start({ customerId: 'batched-1', amount: 10, log: [] }),
      await sagas.start({ customerId: 'batched-2', amount: 101, log: [] }),
      await sagas.start({ customerId: 'batched-3', amount: 100, log: [] }),
    ];
    const lines = (await participant.done).map((line) => JSON.parse(line) as Line);
    expect(lines.filter((l) => l.sent)).toHaveLength(3);
    await eventually(async () => (await Promise.all(ids.map((id) => sagas.find(id)))).every((s) => s?.status !== 'RUNNING'), 'the three sagas end', 30_000);
    const ended = await Promise.all(ids.map(async (id) => (await sagas.find(id))!));
    expect(ended.map((s) => [s.status, s.data.log[1]])).toEqual([
      ['COMPLETED', 'CreditReserved: 10 reserved, 90 left'],
      ['COMPENSATED', 'CreditLimitExceeded: 101 over the limit of 100'],
      ['COMPLETED', 'CreditReserved: 100 reserved, 0 left'],
    ]);
  }, 120_000);

  it("a Tram command (CommandMessageFactory) is handled by Eventloom's @CommandHandlers, and Tram reads the reply: outcome, reply type, in-reply-to, command_* echoed as commandreply_*; an unknown command gets a failure reply", async () => {
    const handlers = new DeliveryHandlers();
    await messaging.handleCommands(handlers);
    const sagaHeaders = (n: number) => ({ command_saga_id: `java-saga-${n}`, command_saga_type: 'dev.eventloom.tram.JavaOrderSaga' });
    const input = [
      { orderId: 'order-1', parcels: 2, headers: sagaHeaders(1) },
      { orderId: 'order-2', parcels: 9, headers: sagaHeaders(2) },
      { orderId: 'order-3', headers: sagaHeaders(3) }, // a CancelDelivery: no handler for it here
    ];
    const lines = (
      await tram.run(['command', brokers.join(','), deliveryChannel, deliveryReplies, uniqueGroupId('tram-sender'), '60000'], input.map((i) => JSON.stringify(i)).join('\n'), 90_000).done
    ).map((line) => JSON.parse(line) as Line);

    const sent = lines.filter((l) => l.commandSent).map((l) => l.commandSent as { headers: Record<string, string> });
    expect(sent).toHaveLength(3);
    expect(sent[0].headers).toMatchObject({ command_type: 'dev.eventloom.tram.ScheduleDelivery', command_reply_to: deliveryReplies, command__destination: deliveryChannel, DESTINATION: deliveryChannel });
    expect(handlers.received).toEqual([new ScheduleDelivery('order-1', 2), new ScheduleDelivery('order-2', 9)]);
    expect(handlers.received.every((c) => c instanceof ScheduleDelivery)).toBe(true);

    expect(lines.filter((l) => l.undecodable)).toEqual([]);
    const replies = lines.filter((l) => l.reply).map((l) => l.reply);
    expect(replies).toHaveLength(3);
    const byCommand = new Map(replies.map((r) => [r.inReplyTo, r]));
    const [scheduled, refused, unknown] = sent.map((s) => byCommand.get(s.headers.ID)!);
    expect(scheduled).toMatchObject({
      replyType: 'dev.eventloom.tram.DeliveryScheduled',
      decodedAs: 'dev.eventloom.tram.DeliveryScheduled',
      outcome: 'SUCCESS',
      reply: { orderId: 'order-1', slot: 'slot-for-2' },
      notEchoed: [],
    });
    expect(refused).toMatchObject({
      replyType: 'dev.eventloom.tram.DeliveryRefused',
      decodedAs: 'dev.eventloom.tram.DeliveryRefused',
      outcome: 'FAILURE',
      reply: { orderId: 'order-2', reason: '9 parcels do not fit a van' },
      notEchoed: [],
    });
    expect(scheduled.headers).toMatchObject({ commandreply_saga_id: 'java-saga-1', commandreply_saga_type: 'dev.eventloom.tram.JavaOrderSaga', DESTINATION: deliveryReplies });
    expect(refused.headers).toMatchObject({ commandreply_saga_id: 'java-saga-2' });
    // A command nobody here handles is still answered: a failure a Tram saga compensates on (by its outcome; the type is no Java class).
    expect(unknown).toMatchObject({ replyType: 'eventloom.CommandFailed', outcome: 'FAILURE', reply: { code: 'UNKNOWN_COMMAND' }, notEchoed: [] });
    expect(unknown.headers).toMatchObject({ commandreply_type: 'dev.eventloom.tram.CancelDelivery', commandreply_saga_id: 'java-saga-3' });
  }, 120_000);
});
