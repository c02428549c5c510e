// packages/core/README.md: schema evolution (upcasters, aliases, snapshot versions). Run by core-readme.unit.spec.ts.
import { Aggregate, Apply, CommandHandler, Event, upcast } from '@eventloom/core';

// #region upcasters
/** How version 1 was stored, under its old name 'TicketBooked'. */
interface TicketReservedV1 {
  seat: string;
  price: number;
}

@Event('TicketReserved', {
  aggregateType: 'Ticket',
  schemaVersion: 3,
  aliases: ['TicketBooked'],                   // stored under the old name: still decodes to this class
  upcasters: upcast<TicketReservedV1>()
    .to(2, (v1) => ({ seat: v1.seat, priceCents: v1.price * 100 }))
    .to(3, (v2, stored) => ({ ...v2, reservedAt: stored.timestamp.toISOString() })),
})
export class TicketReserved {
  constructor(
    readonly seat: string,
    readonly priceCents: number,
    readonly reservedAt: string,
  ) {}
}
// #endregion upcasters

export class Reserve {
  constructor(readonly seat: string, readonly priceCents: number) {}
}

// #region snapshot-version
@Aggregate('Ticket', { snapshotVersion: 2 })   // raised when the fields below changed shape
export class Ticket {
  seat?: string;
  priceCents = 0;

  @CommandHandler(Reserve)
  reserve(command: Reserve) {
    return new TicketReserved(command.seat, command.priceCents, new Date().toISOString());
  }

  @Apply(TicketReserved)
  reserved(event: TicketReserved) {
    this.seat = event.seat;
    this.priceCents = event.priceCents;
  }
}
// #endregion snapshot-version
