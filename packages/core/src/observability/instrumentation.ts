import { StoredEvent } from '../typing/stored-event';

/** A command on an aggregate (create or update), as the repository runs it. */
export interface CommandInfo {
  readonly kind: 'create' | 'update';
  readonly aggregateType: string;
  readonly aggregateId: string;
}

/** An append of one command's events to one aggregate's stream. */
export interface AppendInfo {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly expectedVersion: number;
  readonly events: number;
}

/** One try of one event by one consumer (an event subscriber, a command dispatcher, a saga). */
export interface HandleInfo {
  readonly consumerId: string;
  readonly event: StoredEvent;
  /** Counts from 1. */
  readonly attempt: number;
}

/** A batch of sequenced events a publisher hands to its sink (a broker, or in-process delivery). */
export interface PublishInfo {
  readonly events: readonly StoredEvent[];
}

/**
 * Wraps one unit of work: calls `run` once and returns (or throws) what it
 * does. Metrics time it; tracing runs it inside a span.
 */
export type Around<I> = <T>(info: I, run: () => Promise<T>) => Promise<T>;

/**
 * What Eventloom tells an observer (metrics, traces) as it works. Every
 * member is optional, and none is called when no instrumentation is given,
 * so an Eventloom without one pays a property check per unit of work.
 * Gauges (lag, backlog, leadership) are not pushed here: an observer reads
 * them when asked, from Eventloom.subscriptionProgress() and the publisher's
 * status(), backlog() and hasLeader().
 *
 * @eventloom/prometheus and @eventloom/opentelemetry implement it; combine
 * several with `instrumentations(...)`.
 */
export interface Instrumentation {
  /** Around a command, its loads, retries and append included. */
  readonly command?: Around<CommandInfo>;
  /** Around one append to the store. */
  readonly append?: Around<AppendInfo>;
  /** An aggregate was read from the store (events since its snapshot applied) in `seconds`. */
  loaded?(aggregateType: string, seconds: number): void;
  /** A command lost the optimistic-concurrency race (or met a transient store error) and is tried again. */
  commandRetried?(aggregateType: string, reason: 'conflict' | 'transient'): void;
  /**
   * Fields stored in the metadata of every event a command appends now (e.g.
   * W3C `traceparent` of the active span); undefined for none. Values are
   * strings, so they travel on every wire (Eventuate's metadata is strings).
   */
  eventMetadata?(): Record<string, string> | undefined;
  /** Around one try of a handler on one event. */
  readonly handle?: Around<HandleInfo>;
  /** A try failed and the event will be tried again (an outage's waits included). */
  retried?(info: HandleInfo, error: unknown): void;
  /** An event was given up on and parked. */
  parked?(consumerId: string, event: StoredEvent): void;
  /** Around a publisher's send of one batch to its sink. */
  readonly publish?: Around<PublishInfo>;
}

/** One Instrumentation doing what each of `list` does (around-hooks nest, the first outermost). */
export function instrumentations(...list: readonly Instrumentation[]): Instrumentation {
  if (list.length === 1) return list[0];
  const around = <I>(pick: (i: Instrumentation) => Around<I> | undefined): Around<I> | undefined => {
    const hooks = list.filter((i) => pick(i) !== undefined).map((i) => pick(i)!.bind(i) as Around<I>);
    if (hooks.length === 0) return undefined;
    return <T>(info: I, run: () => Promise<T>): Promise<T> =>
      hooks.reduceRight<() => Promise<T>>((inner, hook) => () => hook(info, inner), run)();
  };
  const each = <A extends unknown[]>(pick: (i: Instrumentation) => ((...args: A) => void) | undefined) => {
    const hooks = list.filter((i) => pick(i) !== undefined);
    if (hooks.length === 0) return undefined;
    return (...args: A) => {
      for (const i of hooks) pick(i)!.apply(i, args);
    };
  };
  const metadataSources = list.filter((i) => i.eventMetadata);
  return {
    command: around((i) => i.command),
    append: around((i) => i.append),
    handle: around((i) => i.handle),
    publish: around((i) => i.publish),
    loaded: each((i) => i.loaded),
    commandRetried: each((i) => i.commandRetried),
    retried: each((i) => i.retried),
    parked: each((i) => i.parked),
    eventMetadata:
      metadataSources.length === 0
        ? undefined
        : () => {
            let fields: Record<string, string> | undefined;
            for (const i of metadataSources) {
              const more = i.eventMetadata!();
              if (more) fields = { ...fields, ...more };
            }
            return fields;
          },
  };
}

/** `run` inside `hook` when there is one; without, just `run` (the path of an uninstrumented Eventloom). */
export function observed<I, T>(hook: Around<I> | undefined, info: I, run: () => Promise<T>): Promise<T> {
  return hook ? hook(info, run) : run();
}
