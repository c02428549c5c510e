import { ClosedError, DuplicateAggregateError, EventloomError, OptimisticConcurrencyError } from '@eventloom/core';
import {
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
import { EncodedEventLog, isPlain, plainMetadata } from './encoded-event-log';

/** How many of the last appended events are kept as given, for readers of the log's tail (a power of two). */
const RECENT_APPENDS = 1024;

/**
 * An aggregate's stream: its version, the position of its last event (each
 * event names its predecessor in the log) and its latest snapshot.
 */
interface Stream {
  version: number;
  last: number;
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
  /**
   * By aggregate type, then id: no key string is built per command, and an id string seen before (the same
   * object) is found by its cached hash and compared by reference.
   */
  private readonly streams = new Map<string, Map<string, Stream>>();
  private readonly log = new EncodedEventLog();
  /** Events with other than plain metadata are not kept (null): their copy is the decoding. */
  private readonly recent: (NewEvent | null)[] = new Array(RECENT_APPENDS).fill(null);
  private readonly recentPositions = new Float64Array(RECENT_APPENDS);
  private readonly listeners = new Set<() => void>();
  private closed = false;
  /** Every event is in memory already: the repository keeps every aggregate's state too, so no command replays a history. */
  readonly defaultAggregateCache = { maxAggregates: Infinity };

  async load(aggregateType: string, aggregateId: string, options: LoadOptions = {}): Promise<AggregateStream | undefined> {
    this.assertOpen();
    const stream = this.streams.get(aggregateType)?.get(aggregateId);
    if (!stream) return undefined;
    return {
      version: stream.version,
      snapshot: stream.snapshot,
      events: this.readStreamFrom(stream, stream.snapshot?.version ?? 0),
      alreadyTriggeredBy: options.triggeringEventId ? (stream.triggeredBy?.has(options.triggeringEventId) ?? false) : undefined,
    };
  }

  async append(request: AppendRequest): Promise<void> {
    this.assertOpen();
    let ofType = this.streams.get(request.aggregateType);
    const existing = ofType?.get(request.aggregateId);
    const current = existing?.version ?? 0;
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
    let last = existing?.last ?? 0;
    try {
      for (const event of request.events) last = this.log.write(event, last);
    } catch (error) {
      this.log.rollback();
      throw error;
    }
    this.log.commit();
    // Only while something reads the log in process: without a reader, keeping them is work for nothing.
    if (this.listeners.size > 0) this.keepRecent(request.events, last - request.events.length + 1);
    const stream: Stream = existing ?? { version: 0, last: 0, snapshot: undefined, triggeredBy: undefined };
    stream.version = current + request.events.length;
    stream.last = last;
    for (const event of request.events) {
      if (event.triggeringEventId) (stream.triggeredBy ??= new Set<string>()).add(event.triggeringEventId);
    }
    if (request.snapshot) stream.snapshot = request.snapshot;
    // Set once, at the first append: setting an existing key again was a second lookup per command in a map of every aggregate.
    if (existing === undefined) {
      if (ofType === undefined) this.streams.set(request.aggregateType, (ofType = new Map()));
      ofType.set(request.aggregateId, stream);
    }
    for (const listener of this.listeners) listener();
  }

  /**
   * Publishes outbox messages (see messageToEvent): into the publication only,
   * after every event appended so far, each with its position as its version.
   * Called when the transaction that wrote them commits.
   */
  publishMessages(messages: ReadonlyArray<Omit<StoredEvent, 'position' | 'version'>>): void {
    this.assertOpen();
    try {
      // A message has no stream: its version is its position.
      for (const message of messages) this.log.write({ ...message, version: this.log.nextPosition }, 0);
    } catch (error) {
      this.log.rollback();
      throw error;
    }
    this.log.commit();
    for (const listener of this.listeners) listener();
  }

  async readStream(aggregateType: string, aggregateId: string): Promise<StoredEvent[]> {
    const stream = this.streams.get(aggregateType)?.get(aggregateId);
    return stream ? this.readStreamFrom(stream, 0) : [];
  }

  /** The embedded store is its own sequencer: an event's position is given at append. */
  async readPublished(afterPosition: number, limit: number): Promise<SequencedEvent[]> {
    const to = Math.min(afterPosition + limit, this.log.length);
    const read: SequencedEvent[] = new Array(Math.max(0, to - afterPosition));
    for (let position = afterPosition + 1; position <= to; position++) {
      read[position - afterPosition - 1] = this.recentlyAppended(position) ?? this.log.read(position);
    }
    return read;
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

  /**
   * Subscribers in process mostly read what was just appended: the last appended events are kept as given
   * (a ring of positions, small enough that they die young), and a read of one is a copy of it instead of a
   * decoding. Only events with the repository's plain metadata, whose copy is a literal.
   */
  private keepRecent(events: readonly NewEvent[], firstPosition: number): void {
    for (let i = 0; i < events.length; i++) {
      const position = firstPosition + i;
      const slot = position & (RECENT_APPENDS - 1);
      // Decided once per event here rather than at each subscriber's read.
      this.recent[slot] = isPlain(events[i].metadata) ? events[i] : null;
      this.recentPositions[slot] = position;
    }
  }

  private recentlyAppended(position: number): SequencedEvent | undefined {
    const slot = position & (RECENT_APPENDS - 1);
    const event = this.recent[slot];
    if (event === null || this.recentPositions[slot] !== position) return undefined;
    const { correlationId, causationId, schemaVersion } = event.metadata;
    const metadata = plainMetadata(correlationId, causationId, schemaVersion);
    return {
      eventId: event.eventId,
      eventType: event.eventType,
      eventData: event.eventData,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      version: event.version,
      triggeringEventId: event.triggeringEventId,
      metadata,
      timestamp: new Date(event.timestamp.getTime()),
      position,
    };
  }

  /** The stream's events after version `from`, oldest first: found from its last event back. */
  private readStreamFrom(stream: Stream, from: number): SequencedEvent[] {
    const read: SequencedEvent[] = new Array(Math.max(0, stream.version - from));
    let position = stream.last;
    for (let i = read.length - 1; i >= 0; i--) {
      read[i] = this.log.read(position);
      position = this.log.previousInStream(position);
    }
    return read;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedError('The in-memory event store');
  }
}
