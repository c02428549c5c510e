import { Command, CommandContext, CommandHandlers, CommandRejectedError, defineSaga, Event, HandlesCommand, Replies, Reply, withFailure } from '@eventloom/core';

/** A tiny command/reply model used only by the messaging contract suite. */

@Event('ContractShipmentBooked', { aggregateType: 'ContractShipment' })
export class ShipmentBooked {
  constructor(readonly parcels: number) {}
}

@Reply('ContractSeatsHeld')
export class SeatsHeld {
  constructor(readonly held: number) {}
}

@Reply('ContractNoSeatsLeft')
export class NoSeatsLeft {
  constructor(readonly wanted: number) {}
}

@Command('ContractHoldSeats')
export class HoldSeats {
  declare readonly replies?: Replies<SeatsHeld, NoSeatsLeft>;
  constructor(
    readonly key: string,
    readonly seats: number,
  ) {}
}

@Reply('ContractSeatsReleased')
export class SeatsReleased {}

@Command('ContractReleaseSeats')
export class ReleaseSeats {
  declare readonly replies?: Replies<SeatsReleased, NoSeatsLeft>;
  constructor(
    readonly key: string,
    readonly seats: number,
  ) {}
}

/** Never declared with a handler: a command the channel does not know. */
@Command('ContractUnknownCommand')
export class UnknownCommand {}

/** What the contract's handlers keep in the back end's own tables. */
export interface Counters<Tx> {
  add(tx: Tx, key: string, n: number): Promise<void>;
  /** In `tx` (locking the row) when given: a handler reads in its own transaction, never beside it on the pool. */
  read(key: string, tx?: Tx): Promise<number>;
}

export const SEAT_CHANNEL = 'contractSeats';
export const SEAT_LIMIT = 10;

/** Holds seats in a plain table, in the dispatcher's transaction; refuses past the limit. */
export function seatHandlers<Tx>(counters: Counters<Tx>, options: { failReleases?: (key: string) => boolean; afterHold?: (key: string, tx: Tx) => void } = {}) {
  @CommandHandlers(SEAT_CHANNEL)
  class SeatHandlers {
    handled = 0;
    @HandlesCommand(HoldSeats)
    async hold(ctx: CommandContext<HoldSeats, Tx>) {
      this.handled++;
      const held = await counters.read(ctx.command.key, ctx.tx);
      if (held + ctx.command.seats > SEAT_LIMIT) return ctx.failure(new NoSeatsLeft(ctx.command.seats));
      if (ctx.command.seats < 0) throw new CommandRejectedError('A negative number of seats cannot be held.', 'NEGATIVE_SEATS');
      await counters.add(ctx.tx, ctx.command.key, ctx.command.seats);
      options.afterHold?.(ctx.command.key, ctx.tx);
      return ctx.success(new SeatsHeld(held + ctx.command.seats));
    }

    @HandlesCommand(ReleaseSeats)
    async release(ctx: CommandContext<ReleaseSeats, Tx>) {
      if (options.failReleases?.(ctx.command.key)) return withFailure(new NoSeatsLeft(0));
      await counters.add(ctx.tx, ctx.command.key, -ctx.command.seats);
      return ctx.success(new SeatsReleased());
    }
  }
  return new SeatHandlers();
}

export interface BookingData {
  key: string;
  seats: number;
  held?: number;
  log: string[];
  rejection?: string;
}

/** A local step, a participant step with a compensation, and a local step that may fail (a `seats` of 7 fails it). */
export function bookingSaga<Tx>(sagaType: string, options: { timeoutMs?: number; retry?: { maxAttempts: number; initialDelayMs: number } } = {}) {
  const saga = defineSaga<BookingData, Tx>(sagaType, { compensationRetry: options.retry ?? { maxAttempts: 3, initialDelayMs: 20 } })
    .step()
    .invokeLocal((data) => {
      data.log.push('open');
    })
    .withCompensation((data, ctx) => {
      data.log.push('reject');
      data.rejection = ctx.reason;
    })
    .step()
    .invokeParticipant(SEAT_CHANNEL, (data) => new HoldSeats(data.key, data.seats))
    .onSuccess((data, reply) => {
      data.held = reply.held; // reply: SeatsHeld
      data.log.push('held');
    })
    .onReply(NoSeatsLeft, (data, reply) => {
      data.log.push(`no seats for ${reply.wanted}`);
    })
    .withCompensation(SEAT_CHANNEL, (data) => new ReleaseSeats(data.key, data.seats));
  const timed = options.timeoutMs ? saga.withTimeout(options.timeoutMs, (data) => void data.log.push('timed out')) : saga;
  return timed
    .step()
    .invokeLocal((data) => {
      if (data.seats === 7) throw new Error('seven is refused by the last step');
      data.log.push('confirm');
    })
    .build();
}
