import { StoredEvent } from '../typing/stored-event';

/** An event a subscriber gave up on after its retries, kept with the reason. */
export interface ParkedEvent {
  readonly subscriberId: string;
  readonly event: StoredEvent;
  readonly error: string;
  readonly attempts: number;
  readonly parkedAt: Date;
}

/** Where parked events wait to be inspected and retried. */
export interface DeadLetterStore {
  park(entry: ParkedEvent): Promise<void>;
  list(subscriberId?: string): Promise<ParkedEvent[]>;
  /** Removes and returns a parked event, e.g. to hand it back to its subscriber. */
  take(subscriberId: string, eventId: string): Promise<ParkedEvent | undefined>;
}

export class InMemoryDeadLetterStore implements DeadLetterStore {
  private readonly entries: ParkedEvent[] = [];

  async park(entry: ParkedEvent): Promise<void> {
    this.entries.push(entry);
  }

  async list(subscriberId?: string): Promise<ParkedEvent[]> {
    return this.entries.filter((e) => subscriberId === undefined || e.subscriberId === subscriberId);
  }

  async take(subscriberId: string, eventId: string): Promise<ParkedEvent | undefined> {
    const index = this.entries.findIndex((e) => e.subscriberId === subscriberId && e.event.eventId === eventId);
    return index < 0 ? undefined : this.entries.splice(index, 1)[0];
  }
}
