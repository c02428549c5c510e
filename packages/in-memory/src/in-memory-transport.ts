import {
  DuplicateSubscriberError,
  EventTransport,
  StoredEvent,
  Subscription,
  SubscriptionRequest,
} from '@eventloom/core';
import { InMemoryEventStore } from './in-memory-event-store';

/**
 * Delivers the in-memory store's log to subscribers in process. Each
 * subscription reads the log from where it last stopped (positions are kept
 * per subscriber id, so a re-subscribe resumes), queues events per aggregate,
 * and runs different aggregates concurrently: a handler that is retrying holds
 * up only its own aggregate.
 */
export class InMemoryTransport implements EventTransport {
  private readonly active = new Map<string, InMemorySubscription>();
  private readonly positions = new Map<string, number>();

  constructor(private readonly store: InMemoryEventStore) {}

  async subscribe(request: SubscriptionRequest): Promise<Subscription> {
    if (this.active.has(request.subscriberId)) throw new DuplicateSubscriberError(request.subscriberId);
    const subscription = new InMemorySubscription(this.store, request, this.positions.get(request.subscriberId) ?? 0, (position) => {
      this.positions.set(request.subscriberId, position);
    }, () => this.active.delete(request.subscriberId));
    this.active.set(request.subscriberId, subscription);
    subscription.start();
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.active.values()].map((s) => s.close()));
  }
}

class InMemorySubscription implements Subscription {
  readonly subscriberId: string;
  private readonly eventTypes: Set<string>;
  private readonly aggregateTypes: Set<string>;
  private readonly queues = new Map<string, StoredEvent[]>();
  /** Positions dispatched but not yet handled, to report a safe resume point. */
  private readonly inFlight = new Set<number>();
  private readonly idleWaiters: Array<() => void> = [];
  private unsubscribe?: () => void;
  private closed = false;

  constructor(
    private readonly store: InMemoryEventStore,
    private readonly request: SubscriptionRequest,
    private cursor: number,
    private readonly savePosition: (position: number) => void,
    private readonly onClose: () => void,
  ) {
    this.subscriberId = request.subscriberId;
    this.eventTypes = new Set(request.eventTypes);
    this.aggregateTypes = new Set(request.aggregateTypes);
  }

  start(): void {
    this.unsubscribe = this.store.onAppend(() => this.pump());
    this.pump();
  }

  idle(): boolean {
    return this.inFlight.size === 0 && this.cursor >= this.store.headPosition;
  }

  caughtUp(): Promise<void> {
    if (this.idle() || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    // Resume from the oldest event not yet handled: redelivery over loss.
    const lowestUnhandled = this.inFlight.size ? Math.min(...this.inFlight) : this.cursor + 1;
    this.savePosition(lowestUnhandled - 1);
    this.onClose();
    this.notifyIdle(true);
  }

  private pump(): void {
    if (this.closed) return;
    for (const event of this.store.readLog(this.cursor + 1)) {
      this.cursor = event.position!;
      if (!this.eventTypes.has(event.eventType) || !this.aggregateTypes.has(event.aggregateType)) continue;
      this.inFlight.add(this.cursor);
      const k = `${event.aggregateType}\u0000${event.aggregateId}`;
      const queue = this.queues.get(k);
      if (queue) {
        queue.push(event);
      } else {
        this.queues.set(k, [event]);
        void this.drain(k);
      }
    }
    this.notifyIdle(false);
  }

  private async drain(k: string): Promise<void> {
    const queue = this.queues.get(k)!;
    while (queue.length > 0 && !this.closed) {
      const event = queue[0];
      try {
        await this.request.handle(event);
      } catch {
        // Only a closing subscription gives up on an event; it stays unacknowledged.
        return;
      }
      queue.shift();
      this.inFlight.delete(event.position!);
      this.notifyIdle(false);
    }
    this.queues.delete(k);
  }

  private notifyIdle(force: boolean): void {
    if (!force && !this.idle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
