import { CommandContext, CommandHandlers, defineSaga, HandlesCommand, withFailure, withSuccess } from '@eventloom/core';
import { InMemoryTransaction } from '@eventloom/in-memory';
import { bookingSaga, HoldSeats, NoSeatsLeft, ReleaseSeats, SEAT_CHANNEL, SeatsHeld, SeatsReleased } from './contract/messaging-model';
import { FixtureFailure } from './fixture-failure';
import { sagaFixture } from './saga-fixture';

describe('sagaFixture', () => {
  const data = () => ({ key: 'k1', seats: 4, log: [] as string[] });

  it('given a saga, when the participant succeeds, expects its command and the completed state', async () => {
    const saga = await sagaFixture(bookingSaga<InMemoryTransaction>('FixtureBooking')).start(data());
    saga.expectCommand(SEAT_CHANNEL, new HoldSeats('k1', 4)).expectStatus('RUNNING', (s) => expect(s.awaiting?.commandType).toBe('ContractHoldSeats'));
    await saga.reply(withSuccess(new SeatsHeld(4)));
    saga.expectNoCommand().expectStatus('COMPLETED', (s) => expect(s.data).toEqual({ key: 'k1', seats: 4, held: 4, log: ['open', 'held', 'confirm'] }));
  });

  it('compensates in reverse order after a failing last step, and ends FAILED when a compensation keeps failing', async () => {
    const saga = await sagaFixture(bookingSaga<InMemoryTransaction>('FixtureBooking')).start({ ...data(), seats: 7 });
    saga.expectCommand(SEAT_CHANNEL, new HoldSeats('k1', 7));
    await saga.reply(withSuccess(new SeatsHeld(7)));
    saga.expectCommand(SEAT_CHANNEL, new ReleaseSeats('k1', 7)).expectStatus('RUNNING', (s) => expect(s.compensating).toBe(true));
    await saga.reply(withFailure(new NoSeatsLeft(0)));
    saga.expectNoCommand(); // waits before the next try
    await saga.timePasses(20);
    saga.expectCommand(SEAT_CHANNEL, new ReleaseSeats('k1', 7));
    await saga.reply(withFailure(new NoSeatsLeft(0)));
    await saga.timePasses(40);
    await saga.reply(withFailure(new NoSeatsLeft(0)));
    saga.expectStatus('FAILED', (s) => expect(s.reason).toMatch(/^compensation of step 2 failed 3 times, last: ContractNoSeatsLeft/));
    expect(saga.commands.map((c) => c.commandType)).toEqual(['ContractHoldSeats', 'ContractReleaseSeats', 'ContractReleaseSeats', 'ContractReleaseSeats']);
  });

  it('fires a timeout once, and ignores the reply that comes after it', async () => {
    const saga = await sagaFixture(bookingSaga<InMemoryTransaction>('FixtureBooking', { timeoutMs: 5_000 })).start(data());
    await saga.timePasses(4_999);
    saga.expectStatus('RUNNING');
    await saga.timePasses(1);
    saga.expectStatus('COMPENSATED', (s) => expect(s.data.log).toEqual(['open', 'timed out', 'reject']));
    await saga.timePasses(60_000);
    await saga.reply(withSuccess(new SeatsHeld(4)));
    saga.expectStatus('COMPENSATED', (s) => expect(s.data.log).toEqual(['open', 'timed out', 'reject']));
  });

  it('takes a late reply to an earlier command for nothing, while the saga awaits another', async () => {
    const twoHolds = defineSaga<{ n: number }, InMemoryTransaction>('FixtureTwoHolds', { compensationRetry: { maxAttempts: 2, initialDelayMs: 10 } })
      .step()
      .invokeParticipant(SEAT_CHANNEL, (d) => new HoldSeats('first', d.n))
      .withCompensation(SEAT_CHANNEL, (d) => new ReleaseSeats('first', d.n))
      .step()
      .invokeParticipant(SEAT_CHANNEL, (d) => new HoldSeats('second', d.n))
      .withTimeout(1_000)
      .build();
    const saga = await sagaFixture(twoHolds).start({ n: 1 });
    await saga.reply(withSuccess(new SeatsHeld(1)));
    await saga.timePasses(1_000);
    saga.expectStatus('RUNNING', (s) => expect(s.awaiting?.commandType).toBe('ContractReleaseSeats'));
    const [, secondHold] = saga.commands;
    await saga.reply(withFailure(new NoSeatsLeft(1)), { to: secondHold });
    saga.expectStatus('RUNNING', (s) => expect(s.awaiting?.commandType).toBe('ContractReleaseSeats'));
    await saga.reply(withSuccess(new SeatsReleased()));
    saga.expectStatus('COMPENSATED', (s) => expect(s.reason).toBe("step 2 (ContractHoldSeats to 'contractSeats') got no reply within 1000 ms"));
  });

  it('names what it expected and what the saga did', async () => {
    const saga = await sagaFixture(bookingSaga<InMemoryTransaction>('FixtureBooking')).start(data());
    expect(() => saga.expectCommand(SEAT_CHANNEL, new HoldSeats('k1', 5))).toThrow(FixtureFailure);
    expect(() => saga.expectCommand(SEAT_CHANNEL, new HoldSeats('k1', 5))).toThrow(/Expected the saga to send .*"seats":5.* but it sent .*"seats":4/);
    expect(() => saga.expectStatus('COMPLETED')).toThrow('Expected the saga to be COMPLETED, but it is RUNNING.');
  });
});

describe('reply types infer', () => {
  it('checks handler replies and saga reply handlers against the command class at compile time', () => {
    @CommandHandlers('inferenceChannel')
    class Handlers {
      @HandlesCommand(HoldSeats)
      async hold(ctx: CommandContext<HoldSeats>) {
        // @ts-expect-error SeatsReleased is not a reply of HoldSeats
        void ctx.success(new SeatsReleased());
        return ctx.success(new SeatsHeld(ctx.command.seats));
      }
    }
    void Handlers;
    const seen: number[] = [];
    defineSaga<{ n: number }>('InferenceSaga')
      .step()
      .invokeParticipant('inferenceChannel', (d) => new HoldSeats('k', d.n))
      .onSuccess((_data, reply) => void seen.push(reply.held)) // reply: SeatsHeld
      .onReply(NoSeatsLeft, (_data, reply) => void seen.push(reply.wanted))
      // @ts-expect-error SeatsReleased is not a reply of HoldSeats
      .onReply(SeatsReleased, () => undefined)
      // @ts-expect-error the success reply of HoldSeats has no `wanted`
      .onSuccess((_data, reply) => void seen.push(reply.wanted))
      .build();
    expect(seen).toEqual([]);
  });
});
