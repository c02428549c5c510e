import { instanceToPlain, plainToInstance } from 'class-transformer';
import { Class } from '../typing/class';
import { eventTypes } from '../typing/event';
import { EventEnvelope, toEnvelope } from '../typing/event-envelope';
import { NewEvent } from '../typing/stored-event';
import { AggregateStream, EventStore, Snapshot } from '../eventStore/event-store';
import { SnapshotStrategy } from '../snapshots/snapshot-strategy';
import {
  AggregateNotFoundError,
  DuplicateAggregateError,
  InvalidDefinitionError,
  OptimisticConcurrencyError,
} from '../errors';
import { AggregateDefinition, aggregateDefinition, applyEvent, processCommand, processCreation } from './aggregate-metadata';
import { backoffDelay, BackoffOptions, sleep } from '../runtime/backoff';
import { newId } from '../runtime/ids';

/** An aggregate and where it stands: what create, update and find have in common. */
export interface AggregateWithMetadata<A> {
  readonly id: string;
  readonly version: number;
  readonly aggregate: A;
  /** Version of the aggregate's latest snapshot, 0 if none. */
  readonly snapshotVersion: number;
}

/** What create and update return: the aggregate after the command, and what the command appended. */
export interface ChangedAggregate<A> extends AggregateWithMetadata<A> {
  /** The events this call appended, in order; empty when the command changed nothing or was a repeat. */
  readonly events: readonly EventEnvelope[];
}

/** What find returns: the aggregate as stored. */
export interface LoadedAggregate<A> extends AggregateWithMetadata<A> {
  /** The events read and applied on top of the snapshot (all of them when there is none). */
  readonly eventsSinceSnapshot: readonly EventEnvelope[];
}

/** Identifies the event whose handling sends this command; makes the update idempotent. */
export interface TriggeringEvent {
  readonly eventId: string;
  readonly metadata?: { readonly correlationId?: string };
}

export interface CommandOptions {
  /** For create: the aggregate id to use (default: a new UUIDv7). */
  readonly id?: string;
  readonly triggeringEvent?: TriggeringEvent;
  /**
   * What makes a repeat of this command recognisable: stored as the events'
   * triggering event and checked before the command runs. Defaults to the
   * triggering event's id; EventContext gives each command of a handler its own.
   */
  readonly idempotencyKey?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Extra metadata stored with every event this command produces. */
  readonly metadata?: Record<string, unknown>;
}

export interface RetryOptions extends BackoffOptions {
  /** Tries of an update that loses the optimistic-concurrency race, the first included. */
  readonly maxAttempts: number;
}

export interface RepositoryOptions {
  /** Snapshot strategy per aggregate type name; overrides @Aggregate's. */
  readonly snapshots?: Record<string, SnapshotStrategy>;
  readonly retry?: Partial<RetryOptions>;
}

export const defaultRetry: RetryOptions = { maxAttempts: 10, initialDelayMs: 5, maxDelayMs: 250 };

interface Rehydrated<A> {
  aggregate: A;
  stream: AggregateStream;
  envelopes: EventEnvelope[];
  loadMillis: number;
}

/**
 * Creates, updates and finds event-sourced aggregates over any EventStore.
 * Updates are optimistic: a lost race is retried (reload, decide again) with
 * jittered backoff, then surfaces as OptimisticConcurrencyError.
 */
export class AggregateRepository {
  private readonly retry: RetryOptions;

  constructor(
    readonly eventStore: EventStore,
    private readonly options: RepositoryOptions = {},
  ) {
    this.retry = { ...defaultRetry, ...options.retry };
    if (!Number.isInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1) {
      throw new RangeError(`retry.maxAttempts must be a positive integer, got ${this.retry.maxAttempts}.`);
    }
  }

  async create<A extends object>(cls: Class<A>, command: object, options: CommandOptions = {}): Promise<ChangedAggregate<A>> {
    const definition = aggregateDefinition(cls);
    const id = options.id ?? newId();
    if (typeof id !== 'string' || id.length === 0) {
      throw new InvalidDefinitionError(`create(${definition.type}): options.id must be a non-empty string.`);
    }
    const aggregate = new cls();
    const decided = processCreation(definition, aggregate, command);
    try {
      return await this.append(definition, id, aggregate, { version: 0 }, decided, 0, options);
    } catch (error) {
      const key = idempotencyKey(options);
      if (error instanceof DuplicateAggregateError && key) {
        const existing = await this.rehydrate<A>(definition, id, key);
        if (existing?.stream.alreadyTriggeredBy) return this.unchanged(id, existing);
      }
      throw error;
    }
  }

  async update<A extends object>(
    cls: Class<A>,
    id: string,
    command: object,
    options: CommandOptions = {},
  ): Promise<ChangedAggregate<A>> {
    const definition = aggregateDefinition(cls);
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.rehydrate<A>(definition, id, idempotencyKey(options));
      if (!loaded) throw new AggregateNotFoundError(definition.type, id);
      if (loaded.stream.alreadyTriggeredBy) return this.unchanged(id, loaded);
      const decided = processCommand(definition, loaded.aggregate, command);
      if (decided.length === 0) return this.unchanged(id, loaded);
      try {
        return await this.append(definition, id, loaded.aggregate, loaded.stream, decided, loaded.loadMillis, options);
      } catch (error) {
        if (!(error instanceof OptimisticConcurrencyError)) throw error;
        if (attempt >= this.retry.maxAttempts) {
          throw new OptimisticConcurrencyError(definition.type, id, loaded.stream.version, attempt);
        }
        await sleep(backoffDelay(attempt, this.retry));
      }
    }
  }

  async find<A extends object>(cls: Class<A>, id: string): Promise<LoadedAggregate<A>> {
    const definition = aggregateDefinition(cls);
    const loaded = await this.rehydrate<A>(definition, id);
    if (!loaded) throw new AggregateNotFoundError(definition.type, id);
    return this.loaded(id, loaded);
  }

  /** Like find, but undefined for an unknown id. */
  async findOptional<A extends object>(cls: Class<A>, id: string): Promise<LoadedAggregate<A> | undefined> {
    const definition = aggregateDefinition(cls);
    const loaded = await this.rehydrate<A>(definition, id);
    return loaded && this.loaded(id, loaded);
  }

  private loaded<A>(id: string, loaded: Rehydrated<A>): LoadedAggregate<A> {
    return {
      id,
      version: loaded.stream.version,
      aggregate: loaded.aggregate,
      snapshotVersion: loaded.stream.snapshot?.version ?? 0,
      eventsSinceSnapshot: loaded.envelopes,
    };
  }

  /** A command that appended nothing: a repeat, or a decision that nothing happens. */
  private unchanged<A>(id: string, loaded: Rehydrated<A>): ChangedAggregate<A> {
    return {
      id,
      version: loaded.stream.version,
      aggregate: loaded.aggregate,
      snapshotVersion: loaded.stream.snapshot?.version ?? 0,
      events: [],
    };
  }

  private async rehydrate<A>(
    definition: AggregateDefinition,
    id: string,
    triggeringEventId?: string,
  ): Promise<Rehydrated<A> | undefined> {
    const started = performance.now();
    const stream = await this.eventStore.load(definition.type, id, { triggeringEventId });
    if (!stream) return undefined;
    const aggregate = stream.snapshot
      ? (plainToInstance(definition.cls, JSON.parse(stream.snapshot.snapshotJson) as object) as A)
      : (new definition.cls() as A);
    const envelopes = stream.events.map((stored) => toEnvelope(stored));
    for (const envelope of envelopes) applyEvent(definition, aggregate as object, envelope.event);
    return { aggregate, stream, envelopes, loadMillis: performance.now() - started };
  }

  private async append<A extends object>(
    definition: AggregateDefinition,
    id: string,
    aggregate: A,
    stream: Pick<AggregateStream, 'version' | 'snapshot'>,
    decided: object[],
    loadMillis: number,
    options: CommandOptions,
  ): Promise<ChangedAggregate<A>> {
    const timestamp = new Date();
    const correlationId = options.correlationId ?? options.triggeringEvent?.metadata?.correlationId ?? newId();
    const causationId = options.causationId ?? options.triggeringEvent?.eventId;
    const events: NewEvent[] = decided.map((event, index) => {
      const eventType = eventTypes.typeOfInstance(event);
      applyEvent(definition, aggregate, event);
      return {
        eventId: newId(),
        eventType,
        eventData: eventTypes.serialize(event, eventType),
        aggregateType: definition.type,
        aggregateId: id,
        version: stream.version + index + 1,
        triggeringEventId: idempotencyKey(options),
        metadata: {
          ...options.metadata,
          correlationId,
          ...(causationId ? { causationId } : {}),
          schemaVersion: eventTypes.info(eventType).schemaVersion,
        },
        timestamp,
      };
    });
    const versionAfter = stream.version + events.length;
    const snapshotVersion = stream.snapshot?.version ?? 0;
    const strategy = this.options.snapshots?.[definition.type] ?? definition.snapshots;
    const snapshot: Snapshot | undefined = strategy?.shouldSnapshot({
      aggregateType: definition.type,
      versionBefore: stream.version,
      versionAfter,
      snapshotVersion,
      loadMillis,
    })
      ? {
          aggregateType: definition.type,
          aggregateId: id,
          version: versionAfter,
          snapshotType: definition.type,
          snapshotJson: JSON.stringify(instanceToPlain(aggregate)),
        }
      : undefined;
    await this.eventStore.append({
      aggregateType: definition.type,
      aggregateId: id,
      expectedVersion: stream.version,
      events,
      snapshot,
    });
    return {
      id,
      version: versionAfter,
      aggregate,
      events: events.map((e, i) => ({ ...e, event: decided[i] })),
      snapshotVersion: snapshot ? snapshot.version : snapshotVersion,
    };
  }
}

function idempotencyKey(options: CommandOptions): string | undefined {
  return options.idempotencyKey ?? options.triggeringEvent?.eventId;
}
