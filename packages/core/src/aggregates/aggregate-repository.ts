import { instanceToPlain, plainToInstance } from 'class-transformer';
import { Class } from '../typing/class';
import { eventTypes } from '../typing/event';
import { envelopeOf, EventEnvelope, toEnvelope } from '../typing/event-envelope';
import { EventMetadataFields, NewEvent, StoredEvent } from '../typing/stored-event';
import { AggregateStream, AppendRequest, EventStore, Snapshot } from '../eventStore/event-store';
import { SnapshotStrategy } from '../snapshots/snapshot-strategy';
import {
  AggregateNotFoundError,
  DuplicateAggregateError,
  InvalidDefinitionError,
  OptimisticConcurrencyError,
  TransientStoreError,
} from '../errors';
import { AggregateDefinition, aggregateDefinition, applyEvent, processCommand, processCreation } from './aggregate-metadata';
import { backoffDelay, BackoffOptions, sleep } from '../runtime/backoff';
import { newId } from '../runtime/ids';
import { AggregateCache, AggregateCacheOptions, CacheSlot } from './aggregate-cache';
import { KeyedSerializer } from './keyed-serializer';
import { Instrumentation } from '../observability/instrumentation';

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
  /** Default: the triggering event's correlation id, else the id of the first event this command produces. */
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
  /**
   * Aggregates kept in memory after a command, so the next command on them
   * needs no read: the append's version check tells when another process
   * changed one meanwhile (the entry is then dropped and the command retried
   * on a fresh load). A command with an idempotency key (or triggering event)
   * reads unless the cache knows every key of the aggregate's history, so
   * repeats are recognised as exactly as without it. Snapshot strategies
   * see, for a cached aggregate, the time of its last real load (0 once a
   * snapshot was written since). Default: the store's
   * `defaultAggregateCache` (every aggregate for the in-memory store), else
   * `{ maxAggregates: 10_000 }`; `false` switches it off.
   */
  readonly cache?: AggregateCacheOptions | false;
  /** Told of commands, appends, loads and retries (metrics, traces); Eventloom passes its own. */
  readonly instrumentation?: Instrumentation;
}

/** Counters since the repository was made, for monitoring (and for tests that must see no race was lost). */
export interface RepositoryMetrics {
  /** Appends that lost the optimistic-concurrency race and were retried (or gave up). */
  readonly conflicts: number;
  /** Commands decided on a cached aggregate without reading the store. */
  readonly cacheHits: number;
  /** Reads of an aggregate from the store by create, update, find and findOptional. */
  readonly loads: number;
  readonly cachedAggregates: number;
}

export const defaultRetry: RetryOptions = { maxAttempts: 10, initialDelayMs: 5, maxDelayMs: 250 };

interface Rehydrated<A> {
  aggregate: A;
  stream: AggregateStream;
  /** The snapshot the aggregate was revived from: the stream's, unless it is of another snapshotVersion. */
  snapshot?: Snapshot;
  /** The events applied on top of `snapshot` (all of them without one). */
  events: readonly StoredEvent[];
  /** The stream's snapshot is of another snapshotVersion and was ignored. */
  staleSnapshot: boolean;
  envelopes: EventEnvelope[];
  loadMillis: number;
}

/** What a command is decided on: a fresh load or a cached copy. */
interface Current<A> {
  readonly aggregate: A;
  readonly version: number;
  readonly snapshotVersion: number;
  readonly loadMillis: number;
  /** The history's idempotency keys up to `version`, when all are known (see CachedAggregate). */
  readonly triggeredBy?: ReadonlySet<string>;
  /** The latest stored snapshot is of another snapshotVersion: the next append replaces it. */
  readonly staleSnapshot?: boolean;
  /** Where a cached copy was taken from: the command's result goes back there. */
  readonly slot?: CacheSlot;
}

/**
 * Idempotency keys the cache keeps per aggregate. An aggregate with more
 * (one key per handled event, say) is cached without them, and its keyed
 * commands read the store; the bound keeps the cache's memory small.
 */
const maxKnownTriggers = 100;

/**
 * Creates, updates and finds event-sourced aggregates over any EventStore.
 * Updates are optimistic: a lost race is retried (reload, decide again) with
 * jittered backoff, then surfaces as OptimisticConcurrencyError.
 *
 * Within one repository, the commands of one aggregate run one at a time (those
 * of different aggregates side by side), so they never race each other; races
 * remain only with other processes, and the store's version check decides them.
 */
export class AggregateRepository {
  private readonly retry: RetryOptions;
  private readonly cache?: AggregateCache;
  private readonly inTurn = new KeyedSerializer();
  private readonly counters = { conflicts: 0, cacheHits: 0, loads: 0 };
  private readonly instrumentation?: Instrumentation;

  constructor(
    readonly eventStore: EventStore,
    private readonly options: RepositoryOptions = {},
  ) {
    this.retry = { ...defaultRetry, ...options.retry };
    if (!Number.isInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1) {
      throw new RangeError(`retry.maxAttempts must be a positive integer, got ${this.retry.maxAttempts}.`);
    }
    if (options.cache !== false) this.cache = new AggregateCache(options.cache ?? eventStore.defaultAggregateCache);
    this.instrumentation = options.instrumentation;
  }

  get metrics(): RepositoryMetrics {
    return { ...this.counters, cachedAggregates: this.cache?.size ?? 0 };
  }

  async create<A extends object>(cls: Class<A>, command: object, options: CommandOptions = {}): Promise<ChangedAggregate<A>> {
    const definition = aggregateDefinition(cls);
    const id = options.id ?? newId();
    if (typeof id !== 'string' || id.length === 0) {
      throw new InvalidDefinitionError(`create(${definition.type}): options.id must be a non-empty string.`);
    }
    const aggregate = new cls();
    const commandHook = this.instrumentation?.command;
    if (commandHook) {
      // An async run: a creation the aggregate refuses (a throw) reaches the hook as a rejection.
      return commandHook({ kind: 'create', aggregateType: definition.type, aggregateId: id }, async () => this.createDecided(definition, id, aggregate, command, options));
    }
    return this.createDecided(definition, id, aggregate, command, options);
  }

  private createDecided<A extends object>(
    definition: AggregateDefinition,
    id: string,
    aggregate: A,
    command: object,
    options: CommandOptions,
  ): Promise<ChangedAggregate<A>> {
    const decided = processCreation(definition, aggregate, command);
    const aggregateKey = cacheKey(definition, id);
    return this.inTurn.run(aggregateKey, async () => {
      const decidedOn: Current<A> = { aggregate, version: 0, snapshotVersion: 0, loadMillis: 0, triggeredBy: noTriggers };
      const request = this.prepare(definition, id, decidedOn, decided, options);
      try {
        return await this.write(definition, decidedOn, request, decided, aggregateKey);
      } catch (error) {
        const key = idempotencyKey(options);
        if (error instanceof DuplicateAggregateError && key) {
          const existing = await this.rehydrate<A>(definition, id, key);
          if (existing?.stream.alreadyTriggeredBy) return this.unchanged(id, current(existing));
        }
        throw error;
      }
    });
  }

  async update<A extends object>(
    cls: Class<A>,
    id: string,
    command: object,
    options: CommandOptions = {},
  ): Promise<ChangedAggregate<A>> {
    const definition = aggregateDefinition(cls);
    const commandHook = this.instrumentation?.command;
    // One key string per command: each new one is built, flattened and hashed again.
    const key = cacheKey(definition, id);
    if (commandHook) {
      return commandHook({ kind: 'update', aggregateType: definition.type, aggregateId: id }, () =>
        this.inTurn.run(key, () => this.updateInTurn<A>(definition, id, key, command, options)),
      );
    }
    return this.inTurn.run(key, () => this.updateInTurn<A>(definition, id, key, command, options));
  }

  private async updateInTurn<A extends object>(
    definition: AggregateDefinition,
    id: string,
    aggregateKey: string,
    command: object,
    options: CommandOptions,
  ): Promise<ChangedAggregate<A>> {
    const key = idempotencyKey(options);
    let useCache = true;
    for (let attempt = 1; ; attempt++) {
      let decidedOn: Current<A> | undefined = useCache ? this.cached<A>(aggregateKey) : undefined;
      // A key the cached history does not rule out is asked of the store (a cached "it is a repeat" too:
      // that answer is confirmed, like every outcome no append checks). A key the cached history rules out
      // is safe: if another process appended since, with that key or not, our append conflicts and we reload.
      if (decidedOn && key && (decidedOn.triggeredBy === undefined || decidedOn.triggeredBy.has(key))) {
        decidedOn = undefined;
      }
      let decided: object[] = [];
      let request: AppendRequest | undefined;
      if (decidedOn) {
        try {
          decided = processCommand(definition, decidedOn.aggregate, command);
          if (decided.length > 0) request = this.prepare(definition, id, decidedOn, decided, options);
        } catch {
          // Also covers a copy that does not behave as the original (state the copy cannot carry, such as #private fields).
          request = undefined;
        }
        // A rejection or a decision that nothing happens is checked by no append: confirm it on what the store holds.
        if (request) this.counters.cacheHits++;
        else decidedOn = undefined;
      }
      if (!decidedOn || !request) {
        const loaded = await this.rehydrate<A>(definition, id, key);
        if (!loaded) throw new AggregateNotFoundError(definition.type, id);
        decidedOn = current(loaded);
        if (loaded.stream.alreadyTriggeredBy) return this.unchanged(id, decidedOn);
        decided = processCommand(definition, decidedOn.aggregate, command);
        if (decided.length === 0) return this.unchanged(id, decidedOn);
        request = this.prepare(definition, id, decidedOn, decided, options);
      }
      try {
        return await this.write(definition, decidedOn, request, decided, aggregateKey);
      } catch (error) {
        // Whatever went wrong, the cached state may no longer be the stored one.
        this.cache?.drop(aggregateKey);
        useCache = false;
        if (!(error instanceof OptimisticConcurrencyError || error instanceof TransientStoreError)) throw error;
        if (error instanceof OptimisticConcurrencyError) this.counters.conflicts++;
        if (attempt >= this.retry.maxAttempts) {
          if (error instanceof TransientStoreError) throw error;
          throw new OptimisticConcurrencyError(definition.type, id, decidedOn.version, attempt);
        }
        this.instrumentation?.commandRetried?.(definition.type, error instanceof OptimisticConcurrencyError ? 'conflict' : 'transient');
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
      snapshotVersion: loaded.snapshot?.version ?? 0,
      eventsSinceSnapshot: loaded.envelopes,
    };
  }

  /** A command that appended nothing: a repeat, or a decision that nothing happens. */
  private unchanged<A>(id: string, decidedOn: Current<A>): ChangedAggregate<A> {
    return { id, version: decidedOn.version, aggregate: decidedOn.aggregate, snapshotVersion: decidedOn.snapshotVersion, events: [] };
  }

  /** The cached aggregate, handed over to this command (the cache forgets it until the append succeeds), or undefined. */
  private cached<A>(aggregateKey: string): Current<A> | undefined {
    return this.cache?.take(aggregateKey) as Current<A> | undefined;
  }

  private async rehydrate<A>(
    definition: AggregateDefinition,
    id: string,
    triggeringEventId?: string,
  ): Promise<Rehydrated<A> | undefined> {
    const started = performance.now();
    this.counters.loads++;
    const stream = await this.eventStore.load(definition.type, id, { triggeringEventId });
    if (!stream) return undefined;
    let { snapshot, events } = stream;
    const staleSnapshot = snapshot !== undefined && (snapshot.schemaVersion ?? 1) !== definition.snapshotVersion;
    if (staleSnapshot) {
      // A snapshot of another shape is never revived: the whole history stands in, up to the
      // version loaded, so that an append that raced in since still makes ours conflict.
      snapshot = undefined;
      events = (await this.eventStore.readStream(definition.type, id)).filter((event) => event.version <= stream.version);
    }
    const aggregate = snapshot
      ? (plainToInstance(definition.cls, JSON.parse(snapshot.snapshotJson) as object) as A)
      : (new definition.cls() as A);
    const envelopes = events.map((stored) => toEnvelope(stored));
    for (const envelope of envelopes) applyEvent(definition, aggregate as object, envelope.event);
    const loaded = { aggregate, stream, snapshot, events, staleSnapshot, envelopes, loadMillis: performance.now() - started };
    this.instrumentation?.loaded?.(definition.type, loaded.loadMillis / 1000);
    // Cached before any command touches it; the cache keeps its own copy.
    this.cache?.put(cacheKey(definition, id), current(loaded) as Current<object>);
    return loaded;
  }

  /** Applies the decided events to the aggregate and builds the append (the events, and a snapshot if the strategy asks). */
  private prepare<A extends object>(
    definition: AggregateDefinition,
    id: string,
    decidedOn: Current<A>,
    decided: object[],
    options: CommandOptions,
  ): AppendRequest {
    const { aggregate, version, loadMillis } = decidedOn;
    const timestamp = new Date();
    const eventIds = decided.map(() => newId());
    // A command that no event caused starts a correlation, named after the first event it produced.
    const correlationId = options.correlationId ?? options.triggeringEvent?.metadata?.correlationId ?? eventIds[0];
    const causationId = options.causationId ?? options.triggeringEvent?.eventId;
    const triggeringEventId = idempotencyKey(options);
    // The active trace's context (traceparent), so that whoever handles these events continues the trace;
    // merged once per command, so that each event's metadata literal keeps its one spread.
    const traced = this.instrumentation?.eventMetadata?.();
    const extraMetadata = traced ? { ...options.metadata, ...traced } : options.metadata;
    const events: NewEvent[] = decided.map((event, index) => {
      const eventType = eventTypes.typeOfInstance(event);
      applyEvent(definition, aggregate, event);
      return {
        eventId: eventIds[index],
        eventType,
        eventData: eventTypes.serialize(event, eventType),
        aggregateType: definition.type,
        aggregateId: id,
        version: version + index + 1,
        triggeringEventId,
        metadata: eventMetadata(extraMetadata, correlationId, causationId, eventTypes.info(eventType).schemaVersion),
        timestamp,
      };
    });
    const versionAfter = version + events.length;
    const snapshotVersion = decidedOn.snapshotVersion;
    const strategy = this.options.snapshots?.[definition.type] ?? definition.snapshots;
    // A stale snapshot (another snapshotVersion) is replaced by the next append, whatever the strategy.
    const snapshot: Snapshot | undefined =
      decidedOn.staleSnapshot ||
      strategy?.shouldSnapshot({
        aggregateType: definition.type,
        versionBefore: version,
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
            schemaVersion: definition.snapshotVersion,
          }
        : undefined;
    return { aggregateType: definition.type, aggregateId: id, expectedVersion: version, events, snapshot };
  }

  /** Appends what `prepare` built; on success the cache keeps (a copy of) the aggregate at its new version. */
  private async write<A extends object>(
    definition: AggregateDefinition,
    decidedOn: Current<A>,
    request: AppendRequest,
    decided: object[],
    aggregateKey = cacheKey(definition, request.aggregateId),
  ): Promise<ChangedAggregate<A>> {
    const appendHook = this.instrumentation?.append;
    if (appendHook) {
      const { aggregateType, aggregateId, expectedVersion } = request;
      await appendHook({ aggregateType, aggregateId, expectedVersion, events: request.events.length }, () => this.eventStore.append(request));
    } else {
      await this.eventStore.append(request);
    }
    const { aggregate } = decidedOn;
    // After a snapshot a load would be quick again: a cached load time must not ask for a snapshot at every command.
    const loadMillis = request.snapshot ? 0 : decidedOn.loadMillis;
    const version = request.expectedVersion + request.events.length;
    const snapshotVersion = request.snapshot ? request.snapshot.version : decidedOn.snapshotVersion;
    const triggeredBy = knownTriggers(decidedOn.triggeredBy, request.events);
    const staleSnapshot = !request.snapshot && decidedOn.staleSnapshot;
    this.cache?.put(aggregateKey, { aggregate, version, snapshotVersion, loadMillis, triggeredBy, staleSnapshot }, decidedOn.slot);
    return {
      id: request.aggregateId,
      version,
      aggregate,
      events: request.events.map((e, i) => envelopeOf(e, decided[i])),
      snapshotVersion,
    };
  }
}

function current<A>(loaded: Rehydrated<A>): Current<A> {
  return {
    aggregate: loaded.aggregate,
    version: loaded.stream.version,
    snapshotVersion: loaded.snapshot?.version ?? 0,
    loadMillis: loaded.loadMillis,
    // Events before a snapshot are not read, so their keys are unknown.
    triggeredBy: loaded.snapshot ? undefined : knownTriggers(noTriggers, loaded.events),
    staleSnapshot: loaded.staleSnapshot,
  };
}

/**
 * An event's metadata: the command's extra metadata, then correlation, causation and schema version. Without
 * extra metadata, a plain literal: an object built by spreads kept room for more properties, 16 bytes more for
 * every event an embedded store holds (and an empty object made per event for the absent causation).
 */
function eventMetadata(
  extra: Readonly<Record<string, unknown>> | undefined,
  correlationId: string,
  causationId: string | undefined,
  schemaVersion: number,
): EventMetadataFields {
  if (extra === undefined) return causationId ? { correlationId, causationId, schemaVersion } : { correlationId, schemaVersion };
  return { ...extra, correlationId, ...(causationId ? { causationId } : {}), schemaVersion };
}

/** Shared by every aggregate whose history has no idempotency key (knownTriggers copies before adding). */
const noTriggers: ReadonlySet<string> = new Set<string>();

/** `known` plus the events' keys, or undefined when `known` is undefined or the keys exceed the bound. */
function knownTriggers(
  known: ReadonlySet<string> | undefined,
  events: readonly { readonly triggeringEventId?: string }[],
): ReadonlySet<string> | undefined {
  if (!known) return undefined;
  // An empty key is no key, as the stores see it.
  const added = events.filter((e) => e.triggeringEventId && !known.has(e.triggeringEventId));
  if (added.length === 0) return known;
  const next = new Set(known);
  for (const event of added) next.add(event.triggeringEventId!);
  return next.size <= maxKnownTriggers ? next : undefined;
}

/** Type and id: one aggregate's place in the cache and its queue of commands. */
function cacheKey(definition: AggregateDefinition, id: string): string {
  return `${definition.type}\u0000${id}`;
}

function idempotencyKey(options: CommandOptions): string | undefined {
  return options.idempotencyKey ?? options.triggeringEvent?.eventId;
}
