/** Where an event stands in its aggregate: its version (0 when unknown: Eventuate sends none) and its id. */
export interface EventOrder {
  readonly version: number;
  readonly eventId: string;
}

/**
 * The last event handled per aggregate, for the most recently active
 * aggregates (bounded, least recently used dropped first). A message that is
 * not after the aggregate's last handled event is a repeat: a publisher
 * resend, a redelivery after a rebalance or restart of the consumer in this
 * process. "After" is by version when both events have one (Eventloom's), and
 * otherwise by event id, as Eventuate orders an aggregate's events: its ids
 * (Int128, in the store's UUID layout, fixed width) grow per aggregate, and
 * compare as text. Across processes, views still dedupe by event id (see
 * @eventloom/mysql).
 */
export class HandledVersions {
  private readonly last = new Map<string, EventOrder>();

  constructor(private readonly capacity = 100_000) {}

  isRepeat(aggregateKey: string, event: EventOrder): boolean {
    const last = this.last.get(aggregateKey);
    return last !== undefined && !isAfter(event, last);
  }

  record(aggregateKey: string, event: EventOrder): void {
    const last = this.last.get(aggregateKey);
    if (last !== undefined && !isAfter(event, last)) return;
    this.last.delete(aggregateKey);
    this.last.set(aggregateKey, { version: event.version, eventId: event.eventId });
    if (this.last.size > this.capacity) {
      const oldest = this.last.keys().next().value as string;
      this.last.delete(oldest);
    }
  }

  get size(): number {
    return this.last.size;
  }
}

function isAfter(event: EventOrder, last: EventOrder): boolean {
  if (event.version > 0 && last.version > 0) return event.version > last.version;
  return event.eventId > last.eventId;
}
