import { ClosedError, DuplicateAggregateError, EventloomError, OptimisticConcurrencyError } from '@eventloom/core';
import {
  aggregateKey,
  AggregateStream,
  AppendRequest,
  EventStore,
  LoadOptions,
  NewEvent,
  PublicationLog,
  SequencedEvent,
  Snapshot,
  StoredEvent,
} from '@eventloom/core/spi';

/**
 * A stored event as this store keeps it: a SequencedEvent whose timestamp is
 * kept as milliseconds, and a Date made on each read. Millions of events stay
 * in memory here, and a Date per event was a fifth of each one's size and two
 * of the objects every garbage collection walks.
 */
interface KeptEvent extends Omit<SequencedEvent, 'timestamp' | 'position'> {
  readonly timestampMillis: number;
  readonly position: number;
}

interface Stream {
  readonly events: KeptEvent[];
  snapshot?: Snapshot;
  /** Made at the first event that has a triggering event. */
  triggeredBy?: Set<string>;
}

/**
 * The embedded event store: streams indexed by aggregate, plus one global log
 * in append order that feeds the in-process transport. Appends are atomic
 * (nothing is awaited in the middle), so there is no partial write to see.
 */
export class InMemoryEventStore implements EventStore, PublicationLog {
  private readonly streams = new Map<string, Stream>();
  private readonly log: KeptEvent[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;
  /** Every event is in memory already: the repository keeps every aggregate's state too, so no command replays a history. */
  readonly defaultAggregateCache = { maxAggregates: Infinity };

  async load(aggregateType: string, aggregateId: string, options: LoadOptions = {}): Promise<AggregateStream | undefined> {
    this.assertOpen();
    const stream = this.streams.get(aggregateKey(aggregateType, aggregateId));
    if (!stream) return undefined;
    const from = stream.snapshot?.version ?? 0;
    return {
      version: stream.events.length,
      snapshot: stream.snapshot,
      events: readEvents(stream.events, from, stream.events.length),
      alreadyTriggeredBy: options.triggeringEventId ? (stream.triggeredBy?.has(options.triggeringEventId) ?? false) : undefined,
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
    const stream: Stream = existing ?? { events: [], snapshot: undefined, triggeredBy: undefined };
    for (const event of request.events) {
      const stored = kept(event, this.log.length + 1);
      stream.events.push(stored);
      this.log.push(stored);
      if (event.triggeringEventId) (stream.triggeredBy ??= new Set<string>()).add(event.triggeringEventId);
    }
    if (request.snapshot) stream.snapshot = request.snapshot;
    // Set once, at the first append: setting an existing key again was a second lookup per command in a map of every aggregate.
    if (existing === undefined) this.streams.set(k, stream);
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
      this.log.push(kept({ ...message, version: position }, position));
    }
    for (const listener of this.listeners) listener();
  }

  async readStream(aggregateType: string, aggregateId: string): Promise<StoredEvent[]> {
    const events = this.streams.get(aggregateKey(aggregateType, aggregateId))?.events ?? [];
    return readEvents(events, 0, events.length);
  }

  /** The embedded store is its own sequencer: an event's position is given at append. */
  async readPublished(afterPosition: number, limit: number): Promise<SequencedEvent[]> {
    return readEvents(this.log, afterPosition, Math.min(afterPosition + limit, this.log.length));
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

/**
 * Object literals, not spreads, so every kept event (and every event read)
 * shares one hidden class: a spread (`{ ...event, position }`) gave each event
 * a map of its own, which tripled the memory a stored event takes.
 */
function kept(event: NewEvent, position: number): KeptEvent {
  return {
    eventId: event.eventId,
    eventType: event.eventType,
    eventData: event.eventData,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    version: event.version,
    triggeringEventId: event.triggeringEventId,
    metadata: event.metadata,
    timestampMillis: event.timestamp.getTime(),
    position,
  };
}

function readEvents(events: readonly KeptEvent[], from: number, to: number): SequencedEvent[] {
  const read: SequencedEvent[] = new Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    const event = events[i];
    read[i - from] = {
      eventId: event.eventId,
      eventType: event.eventType,
      eventData: event.eventData,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      version: event.version,
      triggeringEventId: event.triggeringEventId,
      metadata: event.metadata,
      timestamp: new Date(event.timestampMillis),
      position: event.position,
    };
  }
  return read;
}
