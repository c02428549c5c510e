import { ClosedError, DuplicateAggregateError, EventloomError, OptimisticConcurrencyError } from '@eventloom/core';
import {
  aggregateKey,
  AggregateStream,
  AppendRequest,
  EventStore,
  LoadOptions,
  PublicationLog,
  SequencedEvent,
  Snapshot,
  StoredEvent,
} from '@eventloom/core/spi';

interface Stream {
  readonly events: SequencedEvent[];
  snapshot?: Snapshot;
  readonly triggeredBy: Set<string>;
}

/**
 * The embedded event store: streams indexed by aggregate, plus one global log
 * in append order that feeds the in-process transport. Appends are atomic
 * (nothing is awaited in the middle), so there is no partial write to see.
 */
export class InMemoryEventStore implements EventStore, PublicationLog {
  private readonly streams = new Map<string, Stream>();
  private readonly log: SequencedEvent[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;

  async load(aggregateType: string, aggregateId: string, options: LoadOptions = {}): Promise<AggregateStream | undefined> {
    this.assertOpen();
    const stream = this.streams.get(aggregateKey(aggregateType, aggregateId));
    if (!stream) return undefined;
    const from = stream.snapshot?.version ?? 0;
    return {
      version: stream.events.length,
      snapshot: stream.snapshot,
      events: stream.events.slice(from),
      alreadyTriggeredBy: options.triggeringEventId ? stream.triggeredBy.has(options.triggeringEventId) : undefined,
    };
  }

  async append(request: AppendRequest): Promise<void> {
    this.assertOpen();
    const k = aggregateKey(request.aggregateType, request.aggregateId);
    const existing = this.streams.get(k);
    const current = existing?.events.length ?? 0;
    if (request.expectedVersion === 0 && existing) {
      throw new DuplicateAggregateError(request.aggregateType, request.aggregateId);
    }
    if (request.expectedVersion !== current) {
      throw new OptimisticConcurrencyError(request.aggregateType, request.aggregateId, request.expectedVersion);
    }
    request.events.forEach((event, i) => {
      if (event.version !== current + i + 1) {
        throw new EventloomError(
          `append to ${request.aggregateType} '${request.aggregateId}': event ${i} has version ${event.version}, expected ${current + i + 1}.`,
        );
      }
    });
    const stream: Stream = existing ?? { events: [], triggeredBy: new Set<string>() };
    for (const event of request.events) {
      const stored: SequencedEvent = { ...event, position: this.log.length + 1 };
      stream.events.push(stored);
      this.log.push(stored);
      if (event.triggeringEventId) stream.triggeredBy.add(event.triggeringEventId);
    }
    if (request.snapshot) stream.snapshot = request.snapshot;
    this.streams.set(k, stream);
    for (const listener of this.listeners) listener();
  }

  /**
   * Publishes outbox messages (see messageToEvent): into the publication only,
   * after every event appended so far, each with its position as its version.
   * Called when the transaction that wrote them commits.
   */
  publishMessages(messages: ReadonlyArray<Omit<StoredEvent, 'position' | 'version'>>): void {
    this.assertOpen();
    for (const message of messages) {
      const position = this.log.length + 1;
      this.log.push({ ...message, version: position, position });
    }
    for (const listener of this.listeners) listener();
  }

  async readStream(aggregateType: string, aggregateId: string): Promise<StoredEvent[]> {
    return [...(this.streams.get(aggregateKey(aggregateType, aggregateId))?.events ?? [])];
  }

  /** The embedded store is its own sequencer: an event's position is given at append. */
  async readPublished(afterPosition: number, limit: number): Promise<SequencedEvent[]> {
    return this.log.slice(afterPosition, afterPosition + limit);
  }

  async lastPosition(): Promise<number> {
    return this.log.length;
  }

  /** Called synchronously after every append, so in-process readers wake at once instead of polling. */
  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('The in-memory event store');
  }
}
