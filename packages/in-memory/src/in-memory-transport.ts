import { AggregateQueues, DuplicateSubscriberError, EventTransport, Subscription, SubscriptionRequest } from '@eventloom/core';
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
  private readonly queues: AggregateQueues;
  private readonly idleWaiters: Array<() => void> = [];
  private unsubscribe?: () => void;
  private closed = false;

  constructor(
    private readonly store: InMemoryEventStore,
    request: SubscriptionRequest,
    private cursor: number,
    private readonly savePosition: (position: number) => void,
    private readonly onClose: () => void,
  ) {
    this.subscriberId = request.subscriberId;
    this.eventTypes = new Set(request.eventTypes);
    this.aggregateTypes = new Set(request.aggregateTypes);
    this.queues = new AggregateQueues(request.handle, cursor, () => this.notifyIdle());
  }

  start(): void {
    this.unsubscribe = this.store.onAppend(() => this.pump());
    this.pump();
  }

  position(): number {
    return this.queues.watermark;
  }

  idle(): boolean {
    return this.queues.inFlight === 0 && this.cursor >= this.store.headPosition;
  }

  caughtUp(): Promise<void> {
    if (this.idle() || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    await this.queues.stop();
    // Resume after the last event below which everything was handled: redelivery over loss.
    this.savePosition(this.queues.watermark);
    this.onClose();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private pump(): void {
    if (this.closed) return;
    for (const event of this.store.readLog(this.cursor + 1)) {
      this.cursor = event.position!;
      if (this.eventTypes.has(event.eventType) && this.aggregateTypes.has(event.aggregateType)) this.queues.dispatch(event);
      else this.queues.skip(this.cursor);
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (!this.idle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
