import { ParkedEvent } from '@eventloom/core';
import { aggregateKey, AggregateParking, ParkedEntry } from '@eventloom/core/spi';

/**
 * Parked events in this process (lost on restart): the store of the
 * embedded Eventloom and of tests. Keeps the same rules as a durable store:
 * one entry per subscriber and event, parking again replaces it in place.
 */
export class InMemoryDeadLetterStore implements AggregateParking {
  private readonly entries: Array<{ parked: ParkedEvent; timesParked: number }> = [];
  private readonly listeners = new Set<(entry: ParkedEvent) => void>();

  async park(entry: ParkedEvent): Promise<void> {
    const existing = this.entries.find((e) => matches(e.parked, entry.subscriberId, entry.event.eventId));
    if (existing) {
      existing.parked = entry;
      existing.timesParked++;
    } else {
      this.entries.push({ parked: entry, timesParked: 1 });
    }
    for (const listener of this.listeners) listener(entry);
  }

  async list(subscriberId?: string): Promise<ParkedEvent[]> {
    return this.entries.filter((e) => subscriberId === undefined || e.parked.subscriberId === subscriberId).map((e) => e.parked);
  }

  async find(subscriberId: string, eventId: string): Promise<ParkedEntry | undefined> {
    const found = this.entries.find((e) => matches(e.parked, subscriberId, eventId));
    return found && { parked: found.parked, timesParked: found.timesParked };
  }

  async take(subscriberId: string, eventId: string): Promise<ParkedEvent | undefined> {
    const index = this.entries.findIndex((e) => matches(e.parked, subscriberId, eventId));
    return index < 0 ? undefined : this.entries.splice(index, 1)[0].parked;
  }

  async release(subscriberId: string, eventId: string, timesParked: number): Promise<boolean> {
    const index = this.entries.findIndex((e) => matches(e.parked, subscriberId, eventId) && e.timesParked === timesParked);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    return true;
  }

  async parkedAggregates(subscriberId: string): Promise<Set<string>> {
    return new Set(
      this.entries.filter((e) => e.parked.subscriberId === subscriberId).map((e) => aggregateKey(e.parked.event.aggregateType, e.parked.event.aggregateId)),
    );
  }

  async hasParked(subscriberId: string, aggregateType: string, aggregateId: string): Promise<boolean> {
    return this.entries.some(
      (e) => e.parked.subscriberId === subscriberId && e.parked.event.aggregateType === aggregateType && e.parked.event.aggregateId === aggregateId,
    );
  }

  onPark(listener: (entry: ParkedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function matches(parked: ParkedEvent, subscriberId: string, eventId: string): boolean {
  return parked.subscriberId === subscriberId && parked.event.eventId === eventId;
}
