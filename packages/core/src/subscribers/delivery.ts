import { StoredEvent } from '../typing/stored-event';
import { toEnvelope } from '../typing/event-envelope';
import { AggregateRepository } from '../aggregates/aggregate-repository';
import { DeadLetterStore } from '../deadLetters/dead-letter-store';
import { backoffDelay, BackoffOptions, sleep } from '../runtime/backoff';
import { Logger } from '../runtime/logger';
import { describeError, isInfrastructureFailure, UnknownEventTypeError, UpcastFailedError } from '../errors';
import { UndecodableMessageError } from '../deadLetters/undecodable';
import { eventTypes } from '../typing/event';
import { SubscriberDefinition } from './subscriber-metadata';
import { eventContext } from './event-context';
import { BatchUnit } from './delivery-batch';
import { Instrumentation } from '../observability/instrumentation';

export interface DeliveryOptions extends BackoffOptions {
  /** Tries of one event, the first included, before it is parked. */
  readonly maxAttempts: number;
}

export const defaultDelivery: DeliveryOptions = { maxAttempts: 8, initialDelayMs: 50, maxDelayMs: 5_000 };

export interface DeliveryDependencies {
  readonly repository: AggregateRepository;
  readonly deadLetters: DeadLetterStore;
  readonly logger: Logger;
  readonly options: DeliveryOptions;
  /** Set when the subscription closes, to stop waiting between retries. */
  readonly isClosed: () => boolean;
  /** Told of every try, retry and parking (metrics, traces). */
  readonly instrumentation?: Instrumentation;
}

/**
 * Builds the function a transport calls per event: decode, dispatch to the
 * handler method, retry with backoff, and park the event once the tries are
 * used up, so that one poison event never stops the subscription. An
 * outage (see isInfrastructureFailure) uses up no tries and parks nothing: it
 * is retried with backoff for as long as it lasts, logged once when it starts
 * and once when it ends.
 */
export function eventDelivery(subscriber: object, definition: SubscriberDefinition, deps: DeliveryDependencies) {
  const retrying = retryingDelivery(
    {
      consumerId: definition.subscriberId,
      run: async (stored, attempt) => {
        const envelope = toEnvelope(stored); // an unknown type throws UnknownEventTypeError here, before a handler is looked up
        const method = definition.handlers.get(stored.eventType)!;
        const context = eventContext(envelope, definition.subscriberId, attempt, deps.repository);
        await (subscriber as Record<string | symbol, (c: unknown) => unknown>)[method](context);
      },
    },
    deps,
  );
  return async (stored: StoredEvent): Promise<void> => {
    // Not this subscriber's event; but one whose type this process does not know at all
    // (a class not imported, a rename without an alias) is parked, naming what to declare.
    if (definition.handlers.has(stored.eventType) || !eventTypes.has(stored.eventType)) await retrying(stored);
  };
}

/** What a consumer of the publication (an event subscriber, a command dispatcher, a saga) does with one entry. */
export interface RetriedWork {
  readonly consumerId: string;
  /** One try; `attempt` counts from 1. */
  run(stored: StoredEvent, attempt: number): Promise<void>;
  /**
   * Called once the tries are used up (or at once for an entry that cannot be
   * decoded), before the entry is parked with `reason`: a command dispatcher
   * sends its failure reply here. Throwing makes the transport try the whole
   * entry again later.
   */
  giveUp?(stored: StoredEvent, reason: string, error: unknown): Promise<void>;
}

/**
 * The one retry loop of every consumer: tries `run` with backoff up to
 * `maxAttempts`, rides out outages without using up tries, and parks what it
 * gives up on in the dead-letter store so that the stream goes on.
 */
export function retryingDelivery(work: RetriedWork, deps: Omit<DeliveryDependencies, 'repository'>) {
  const consumerId = work.consumerId;
  const { instrumentation } = deps;
  const handleHook = instrumentation?.handle;
  const run = handleHook
    ? (stored: StoredEvent, attempt: number) => handleHook({ consumerId, event: stored, attempt }, () => work.run(stored, attempt))
    : (stored: StoredEvent, attempt: number) => work.run(stored, attempt);
  return async (stored: StoredEvent): Promise<void> => {
    let lastError: unknown;
    let attempt = 1;
    let outage: { readonly since: number; tries: number } | undefined;
    for (; attempt <= deps.options.maxAttempts; attempt++) {
      try {
        await run(stored, attempt);
        if (outage) {
          deps.logger.info(`subscriber '${consumerId}' goes on: what it needed answers again`, {
            afterMs: Date.now() - outage.since,
            tries: outage.tries,
          });
        }
        return;
      } catch (error) {
        lastError = error;
        // A message that cannot be decoded will not decode on the next try either.
        if (isUndecodableError(error)) break;
        if (deps.isClosed()) throw error;
        if (isInfrastructureFailure(error)) {
          instrumentation?.retried?.({ consumerId, event: stored, attempt }, error);
          if (!outage) {
            outage = { since: Date.now(), tries: 0 };
            deps.logger.warn(
              `subscriber '${consumerId}' cannot handle ${stored.eventType} ${stored.eventId} while something it needs is unavailable; retrying until it answers (nothing is parked)`,
              { error: describeError(error, { withName: true }) },
            );
          }
          outage.tries++;
          attempt--; // an outage uses up none of the event's tries
          await sleep(backoffDelay(Math.min(outage.tries, 30), deps.options));
          continue;
        }
        if (attempt < deps.options.maxAttempts) {
          instrumentation?.retried?.({ consumerId, event: stored, attempt }, error);
          deps.logger.warn(`subscriber '${consumerId}' failed on ${stored.eventType} ${stored.eventId}, retrying`, {
            attempt,
            error: String(error),
          });
          await sleep(backoffDelay(attempt, deps.options));
        }
      }
    }
    const reason = truncate(describeError(lastError, { withName: true }));
    try {
      await work.giveUp?.(stored, reason, lastError);
      await deps.deadLetters.park({
        subscriberId: consumerId,
        event: stored,
        error: reason,
        attempts: Math.min(attempt, deps.options.maxAttempts),
        parkedAt: new Date(),
      });
    } catch (error) {
      // The transport tries the event again later; it is never skipped unparked.
      deps.logger.error(`subscriber '${consumerId}' could not park ${stored.eventType} ${stored.eventId}`, {
        reason,
        parkError: String(error),
      });
      throw error;
    }
    instrumentation?.parked?.(consumerId, stored);
    deps.logger.error(`subscriber '${consumerId}' parked ${stored.eventType} ${stored.eventId}`, { reason });
  };
}

/** Errors that the next try would meet again: an unknown type, JSON that does not parse. */
function isUndecodableError(error: unknown): boolean {
  // Nor will an upcaster that failed succeed when run again.
  return (
    error instanceof UnknownEventTypeError ||
    error instanceof UpcastFailedError ||
    error instanceof SyntaxError ||
    error instanceof UndecodableMessageError
  );
}

/** Error texts can be huge (a stack, a response body); a reason to read needs only the start. */
const MAX_REASON_CHARS = 8_000;

function truncate(reason: string): string {
  return reason.length <= MAX_REASON_CHARS ? reason : `${reason.slice(0, MAX_REASON_CHARS)}… (${reason.length - MAX_REASON_CHARS} more characters)`;
}

/**
 * Builds the function a transport calls with a run of events (in order per
 * aggregate) for a subscriber declared with `batch`: the run's handlers run
 * one after the other with `ctx.batch`, and what joined the batch commits
 * once, after the last. Should any handler or the commit fail, everything
 * that joined is rolled back and the run's events are handled again one by
 * one by `single` (the per-event delivery: its retries, outages and
 * parking), so a failing event is retried and parked exactly as without
 * batches, and the others are not held up by it for long.
 */
export function eventBatchDelivery(
  subscriber: object,
  definition: SubscriberDefinition,
  deps: DeliveryDependencies,
  single: (stored: StoredEvent) => Promise<void> = eventDelivery(subscriber, definition, deps),
) {
  return async (run: readonly StoredEvent[]): Promise<void> => {
    const events = run.filter((stored) => definition.handlers.has(stored.eventType));
    if (events.length <= 1) {
      for (const stored of events) await single(stored);
      return;
    }
    const unit = new BatchUnit(events.map((stored) => stored.eventId));
    const handleHook = deps.instrumentation?.handle;
    let failure: { error: unknown; at?: StoredEvent } | undefined;
    for (const stored of events) {
      try {
        const call = async () => {
          const context = eventContext(toEnvelope(stored), definition.subscriberId, 1, deps.repository, unit);
          await (subscriber as Record<string | symbol, (c: unknown) => unknown>)[definition.handlers.get(stored.eventType)!](context);
        };
        await (handleHook ? handleHook({ consumerId: definition.subscriberId, event: stored, attempt: 1 }, call) : call());
      } catch (error) {
        failure = { error, at: stored };
        break;
      }
    }
    if (!failure) {
      try {
        await unit.commit();
        return;
      } catch (error) {
        failure = { error };
      }
    } else {
      await unit.rollback();
    }
    if (deps.isClosed()) throw failure.error;
    deps.logger.warn(
      `subscriber '${definition.subscriberId}' could not handle a run of ${events.length} events as one batch` +
        `${failure.at ? ` (${failure.at.eventType} ${failure.at.eventId} failed)` : ' (the commit failed)'}; handling them one by one`,
      { error: describeError(failure.error, { withName: true }) },
    );
    for (const stored of events) await single(stored);
  };
}
