import {
  CommandFailed,
  DuplicateSagaError,
  EventContext,
  EventHandlerMethod,
  EventSubscriber,
  Eventloom,
  Message,
  MessageHeaders,
  Messaging,
  ReplyHeaders,
} from '@eventloom/core';
import { buildMessage, commandMessage } from '@eventloom/core/spi';
import { eventually } from '../eventually';
import { LostCommitAcks } from './lost-commit-acks';
import { bookingSaga, Counters, HoldSeats, SEAT_CHANNEL, seatHandlers, ShipmentBooked, UnknownCommand } from './messaging-model';

export interface MessagingHarness<Tx> {
  readonly eventloom: Eventloom;
  readonly messaging: Messaging<Tx>;
  /** A plain table of the back end's database, written in its transactions. */
  readonly counters: Counters<Tx>;
  /** Wraps the backend `messaging` runs on (see LostCommitAcks): the contract redelivers a handled command with it. */
  readonly lostCommitAcks: LostCommitAcks<Tx>;
  readonly teardown?: () => Promise<void>;
}

/** Settings every harness must pass on: short retries and a fast saga timer, so the suite runs in seconds. */
export const messagingContractSettings = {
  delivery: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
  timerIntervalMs: 20,
} as const;

/**
 * Command/reply messaging, the outbox and orchestrated sagas, as every back
 * end must run them: published if and only if committed, handled once per
 * message, answered always, and sagas that compensate, retry and time out.
 */
export function messagingContract<Tx>(name: string, createHarness: () => Promise<MessagingHarness<Tx>>): void {
  describe(`Messaging contract: ${name}`, () => {
    let harness: MessagingHarness<Tx>;
    let messaging: Messaging<Tx>;
    let run = 0;
    const unique = (label: string) => `${label}-${process.pid}-${run}-${Math.random().toString(36).slice(2, 8)}`;

    beforeEach(async () => {
      run++;
      harness = await createHarness();
      messaging = harness.messaging;
    });

    afterEach(async () => {
      await messaging.close();
      await harness.eventloom.close();
      await harness.teardown?.();
    });

    /** Collects the replies sent to a channel, each once. */
    async function replies(channel: string): Promise<Message[]> {
      const received: Message[] = [];
      await messaging.consume(channel, `${channel}-collector`, async (message) => {
        received.push(message);
      });
      return received;
    }

    function replyOf(message: Message): { outcome: string; type: string; body: Record<string, unknown> } {
      return { outcome: message.headers[ReplyHeaders.REPLY_OUTCOME], type: message.headers[ReplyHeaders.REPLY_TYPE], body: JSON.parse(message.payload) };
    }

    it('publishes an outbox message if and only if its transaction commits, and its events reach event subscribers', async () => {
      @EventSubscriber(unique('shipments'))
      class Shipments {
        readonly seen: Array<{ aggregateId: string; parcels: number; isInstance: boolean }> = [];
        @EventHandlerMethod(ShipmentBooked)
        async booked(ctx: EventContext<ShipmentBooked>) {
          this.seen.push({ aggregateId: ctx.aggregateId, parcels: ctx.event.parcels, isInstance: ctx.event instanceof ShipmentBooked });
        }
      }
      const shipments = new Shipments();
      await harness.eventloom.subscribe(shipments);
      const key = unique('k');
      await expect(
        messaging.transaction(async (tx) => {
          await harness.counters.add(tx, key, 1);
          await messaging.outbox.publishEvent(tx, 'ContractShipment', 'rolled-back', new ShipmentBooked(1));
          throw new Error('the business change fails');
        }),
      ).rejects.toThrow('the business change fails');
      await messaging.transaction(async (tx) => {
        await harness.counters.add(tx, key, 2);
        await messaging.outbox.publishEvent(tx, 'ContractShipment', 'committed', new ShipmentBooked(2));
      });
      await eventually(() => shipments.seen.length > 0, 'the committed event reaches the subscriber');
      await messaging.caughtUp();
      expect(shipments.seen).toEqual([{ aggregateId: 'committed', parcels: 2, isInstance: true }]);
      expect(await harness.counters.read(key)).toBe(2);
    });

    it('handles a command in a transaction with its reply, once, however often it is sent', async () => {
      const handlers = seatHandlers(harness.counters);
      await messaging.handleCommands(handlers);
      const replyChannel = unique('replies');
      const received = await replies(replyChannel);
      const key = unique('seats');
      const command = commandMessage(SEAT_CHANNEL, new HoldSeats(key, 3), { replyTo: replyChannel, headers: { command_saga_id: 'correlated' } });
      // The same message written twice (a resend under a stable id): the store keeps it once or the receiver drops the repeat.
      await messaging.transaction((tx) => messaging.outbox.write(tx, [command]));
      await messaging.transaction((tx) => messaging.outbox.write(tx, [command]));
      await eventually(() => received.length > 0, 'the reply');
      await messaging.caughtUp();
      expect(await harness.counters.read(key)).toBe(3);
      expect(handlers.handled).toBe(1);
      expect(received).toHaveLength(1);
      expect(replyOf(received[0])).toEqual({ outcome: 'SUCCESS', type: 'ContractSeatsHeld', body: { held: 3 } });
      expect(received[0].headers).toMatchObject({
        [ReplyHeaders.IN_REPLY_TO]: command.id,
        commandreply_saga_id: 'correlated',
        commandreply_type: 'ContractHoldSeats',
        [MessageHeaders.DESTINATION]: replyChannel,
      });
    });

    it('handles a command redelivered after its effect and reply were committed once, and answers it once', async () => {
      const key = unique('seats');
      let lost = false;
      // The handler's transaction commits, then its connection is "lost": the dispatcher cannot know, and runs the message again.
      const handlers = seatHandlers(harness.counters, {
        afterHold: (heldKey, tx) => {
          if (heldKey !== key || lost) return;
          lost = true;
          harness.lostCommitAcks.loseAckOf(tx);
        },
      });
      await messaging.handleCommands(handlers);
      const replyChannel = unique('replies');
      const received = await replies(replyChannel);
      const command = commandMessage(SEAT_CHANNEL, new HoldSeats(key, 3), { replyTo: replyChannel });
      await messaging.transaction((tx) => messaging.outbox.write(tx, [command]));
      await eventually(() => received.length > 0, 'the reply');
      await messaging.caughtUp();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await messaging.caughtUp();
      expect(lost).toBe(true);
      expect(await harness.counters.read(key)).toBe(3);
      expect(handlers.handled).toBe(1);
      expect(received).toHaveLength(1);
      expect(replyOf(received[0])).toEqual({ outcome: 'SUCCESS', type: 'ContractSeatsHeld', body: { held: 3 } });
      expect(await harness.eventloom.deadLetters.list(`${SEAT_CHANNEL}-command-dispatcher`)).toEqual([]);
    });

    it('answers with the typed failure a handler returns, and with CommandFailed when it rejects', async () => {
      await messaging.handleCommands(seatHandlers(harness.counters));
      const replyChannel = unique('replies');
      const received = await replies(replyChannel);
      const key = unique('seats');
      await messaging.transaction(async (tx) => {
        await messaging.outbox.send(tx, SEAT_CHANNEL, new HoldSeats(key, 11), { replyTo: replyChannel });
        await messaging.outbox.send(tx, SEAT_CHANNEL, new HoldSeats(key, -1), { replyTo: replyChannel });
      });
      await eventually(() => received.length === 2, 'two replies');
      expect(received.map(replyOf)).toEqual(
        expect.arrayContaining([
          { outcome: 'FAILURE', type: 'ContractNoSeatsLeft', body: { wanted: 11 } },
          { outcome: 'FAILURE', type: 'eventloom.CommandFailed', body: { reason: 'A negative number of seats cannot be held.', code: 'NEGATIVE_SEATS' } },
        ]),
      );
      expect(await harness.counters.read(key)).toBe(0);
      expect(await harness.eventloom.deadLetters.list(`${SEAT_CHANNEL}-command-dispatcher`)).toEqual([]);
    });

    it('answers an unknown or undecodable command with a failure naming it, parks it, and goes on with the channel', async () => {
      await messaging.handleCommands(seatHandlers(harness.counters));
      const replyChannel = unique('replies');
      const received = await replies(replyChannel);
      const key = unique('seats');
      const unknown = commandMessage(SEAT_CHANNEL, new UnknownCommand(), { replyTo: replyChannel, partitionKey: key });
      const good = commandMessage(SEAT_CHANNEL, new HoldSeats(key, 1), { replyTo: replyChannel, partitionKey: key });
      const garbled = buildMessage(SEAT_CHANNEL, '{not json', { ...good.headers });
      await messaging.transaction((tx) => messaging.outbox.write(tx, [unknown, garbled, good]));
      await eventually(() => received.length === 3, 'three replies');
      const byRequest = new Map(received.map((r) => [r.headers[ReplyHeaders.IN_REPLY_TO], replyOf(r)]));
      expect(byRequest.get(unknown.id)).toMatchObject({ outcome: 'FAILURE', type: 'eventloom.CommandFailed', body: { code: 'UNKNOWN_COMMAND' } });
      expect(String(byRequest.get(unknown.id)!.body.reason)).toContain("No handler for command 'ContractUnknownCommand' on channel 'contractSeats'");
      expect(byRequest.get(garbled.id)).toMatchObject({ outcome: 'FAILURE', body: { code: 'UNDECODABLE_COMMAND' } });
      expect(String(byRequest.get(garbled.id)!.body.reason)).toContain('does not decode');
      expect(byRequest.get(good.id)).toEqual({ outcome: 'SUCCESS', type: 'ContractSeatsHeld', body: { held: 1 } });
      const parked = await harness.eventloom.deadLetters.list(`${SEAT_CHANNEL}-command-dispatcher`);
      expect(parked.map((p) => p.event.eventId).sort()).toEqual([unknown.id, garbled.id].sort());
      expect(new CommandFailed('x').code).toBe('COMMAND_FAILED');
    });

    it('runs a saga to completion: local steps, the participant, the typed reply', async () => {
      await messaging.handleCommands(seatHandlers(harness.counters));
      const sagas = await messaging.sagas(bookingSaga<Tx>(unique('Booking')));
      const key = unique('seats');
      const sagaId = await sagas.start({ key, seats: 4, log: [] });
      await eventually(async () => (await sagas.find(sagaId))?.status === 'COMPLETED', 'the saga completes');
      const state = (await sagas.find(sagaId))!;
      expect(state.data).toEqual({ key, seats: 4, held: 4, log: ['open', 'held', 'confirm'] });
      expect(await harness.counters.read(key)).toBe(4);
    });

    it('refuses a saga started again under an existing id with DuplicateSagaError, writing nothing of that transaction', async () => {
      await messaging.handleCommands(seatHandlers(harness.counters));
      const sagaType = unique('Booking');
      const sagas = await messaging.sagas(bookingSaga<Tx>(sagaType));
      const key = unique('seats');
      const sagaId = unique('saga');
      expect(await sagas.start({ key, seats: 4, log: [] }, { sagaId })).toBe(sagaId);
      await eventually(async () => (await sagas.find(sagaId))?.status === 'COMPLETED', 'the first saga completes');
      const businessKey = unique('business');
      // In the caller's transaction, beside its own row: both roll back, and the second start's HoldSeats is never sent.
      const inCallersTx = messaging.transaction(async (tx) => {
        await harness.counters.add(tx, businessKey, 1);
        await sagas.start({ key, seats: 2, log: [] }, { sagaId, tx });
      });
      await expect(inCallersTx).rejects.toThrow(DuplicateSagaError);
      await expect(inCallersTx).rejects.toThrow(`Saga ${sagaType} '${sagaId}' already exists`);
      await expect(inCallersTx).rejects.toMatchObject({ sagaType, sagaId });
      // In a transaction of its own.
      await expect(sagas.start({ key, seats: 3, log: [] }, { sagaId })).rejects.toThrow(DuplicateSagaError);
      await messaging.caughtUp();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await messaging.caughtUp();
      expect(await harness.counters.read(businessKey)).toBe(0);
      expect(await harness.counters.read(key)).toBe(4);
      const state = (await sagas.find(sagaId))!;
      expect(state).toMatchObject({ status: 'COMPLETED', data: { key, seats: 4, held: 4, log: ['open', 'held', 'confirm'] } });
      expect((await sagas.list()).map((s) => s.sagaId)).toEqual([sagaId]);
    });

    it('compensates in reverse order on a failure reply and on a failing local step', async () => {
      await messaging.handleCommands(seatHandlers(harness.counters));
      const sagas = await messaging.sagas(bookingSaga<Tx>(unique('Booking')));
      const refusedKey = unique('refused');
      const refused = await sagas.start({ key: refusedKey, seats: 12, log: [] });
      const lastStepKey = unique('last-step');
      const lastStep = await sagas.start({ key: lastStepKey, seats: 7, log: [] });
      await eventually(async () => (await sagas.find(refused))?.status === 'COMPENSATED' && (await sagas.find(lastStep))?.status === 'COMPENSATED', 'both sagas compensate');
      const refusedState = (await sagas.find(refused))!;
      expect(refusedState.data.log).toEqual(['open', 'no seats for 12', 'reject']);
      expect(refusedState.reason).toContain('ContractNoSeatsLeft');
      expect(refusedState.data.rejection).toBe(refusedState.reason);
      const lastStepState = (await sagas.find(lastStep))!;
      // Seats held, then released by the participant's compensation, then the local one: reverse order.
      expect(lastStepState.data.log).toEqual(['open', 'held', 'reject']);
      expect(lastStepState.reason).toContain('seven is refused by the last step');
      expect(await harness.counters.read(lastStepKey)).toBe(0);
      expect(await harness.counters.read(refusedKey)).toBe(0);
    });

    it('retries a failing compensation, then ends FAILED with the reason while other sagas complete', async () => {
      const stuck = unique('stuck');
      await messaging.handleCommands(seatHandlers(harness.counters, { failReleases: (key) => key === stuck }));
      const sagas = await messaging.sagas(bookingSaga<Tx>(unique('Booking'), { retry: { maxAttempts: 3, initialDelayMs: 10 } }));
      const failing = await sagas.start({ key: stuck, seats: 7, log: [] });
      const healthy = await sagas.start({ key: unique('healthy'), seats: 2, log: [] });
      await eventually(async () => (await sagas.find(failing))?.status === 'FAILED', 'the saga ends FAILED');
      await eventually(async () => (await sagas.find(healthy))?.status === 'COMPLETED', 'the other saga completes');
      const state = (await sagas.find(failing))!;
      expect(state.reason).toMatch(/^compensation of step 2 failed 3 times, last: ContractNoSeatsLeft.*seven is refused/);
      expect(state.data.log).toEqual(['open', 'held']); // the local compensation before it never ran
      expect(await harness.counters.read(stuck)).toBe(7); // three releases tried, none done
      expect((await sagas.list('FAILED')).map((s) => s.sagaId)).toEqual([failing]);
    });

    it('times out a step with no reply once, compensates, and ignores the late reply', async () => {
      // No handler on the channel yet: the participant is dead.
      const sagas = await messaging.sagas(bookingSaga<Tx>(unique('Booking'), { timeoutMs: 800 }));
      const key = unique('seats');
      const sagaId = await sagas.start({ key, seats: 1, log: [] });
      const started = Date.now();
      expect((await sagas.find(sagaId))!.awaiting).toMatchObject({ channel: SEAT_CHANNEL, commandType: 'ContractHoldSeats' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      if (Date.now() - started < 700) expect((await sagas.find(sagaId))!.status).toBe('RUNNING'); // not before its deadline
      await eventually(async () => (await sagas.find(sagaId))?.status === 'COMPENSATED', 'the saga times out and compensates');
      // The participant comes back and answers the old command: the saga has moved on.
      await messaging.handleCommands(seatHandlers(harness.counters));
      await messaging.caughtUp();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const state = (await sagas.find(sagaId))!;
      expect(state.status).toBe('COMPENSATED');
      expect(state.data.log).toEqual(['open', 'timed out', 'reject']);
      expect(state.reason).toBe(`step 2 (ContractHoldSeats to '${SEAT_CHANNEL}') got no reply within 800 ms`);
    });
  });
}
