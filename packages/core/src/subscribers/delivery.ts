import { StoredEvent } from '../typing/stored-event';
import { toEnvelope } from '../typing/event-envelope';
import { AggregateRepository } from '../aggregates/aggregate-repository';
import { DeadLetterStore } from '../deadLetters/dead-letter-store';
import { backoffDelay, BackoffOptions, sleep } from '../runtime/backoff';
import { Logger } from '../runtime/logger';
import { describeError, isInfrastructureFailure, UnknownEventTypeError } from '../errors';
import { SubscriberDefinition } from './subscriber-metadata';
import { eventContext } from './event-context';
import { BatchUnit } from './delivery-batch';

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
  return async (stored: StoredEvent): Promise<void> => {
    const method = definition.handlers.get(stored.eventType);
    if (!method) return;
    let lastError: unknown;
    let attempt = 1;
    let outage: { readonly since: number; tries: number } | undefined;
    for (; attempt <= deps.options.maxAttempts; attempt++) {
      try {
        const envelope = toEnvelope(stored);
        const context = eventContext(envelope, definition.subscriberId, attempt, deps.repository);
        await (subscriber as Record<string | symbol, (c: unknown) => unknown>)[method](context);
        if (outage) {
          deps.logger.info(`subscriber '${definition.subscriberId}' goes on: what it needed answers again`, {
            afterMs: Date.now() - outage.since,
            tries: outage.tries,
          });
        }
        return;
      } catch (error) {
        lastError = error;
        // A message that cannot be decoded will not decode on the next try either.
        if (error instanceof UnknownEventTypeError || error instanceof SyntaxError) break;
        if (deps.isClosed()) throw error;
        if (isInfrastructureFailure(error)) {
          if (!outage) {
            outage = { since: Date.now(), tries: 0 };
            deps.logger.warn(
              `subscriber '${definition.subscriberId}' cannot handle ${stored.eventType} ${stored.eventId} while something it needs is unavailable; retrying until it answers (nothing is parked)`,
              { error: describeError(error, { withName: true }) },
            );
          }
          outage.tries++;
          attempt--; // an outage uses up none of the event's tries
          await sleep(backoffDelay(Math.min(outage.tries, 30), deps.options));
          continue;
        }
        if (attempt < deps.options.maxAttempts) {
          deps.logger.warn(`subscriber '${definition.subscriberId}' failed on ${stored.eventType} ${stored.eventId}, retrying`, {
            attempt,
            error: String(error),
          });
          await sleep(backoffDelay(attempt, deps.options));
        }
      }
    }
    const reason = truncate(describeError(lastError, { withName: true }));
    try {
      await deps.deadLetters.park({
        subscriberId: definition.subscriberId,
        event: stored,
        error: reason,
        attempts: Math.min(attempt, deps.options.maxAttempts),
        parkedAt: new Date(),
      });
    } catch (error) {
      // The transport tries the event again later; it is never skipped unparked.
      deps.logger.error(`subscriber '${definition.subscriberId}' could not park ${stored.eventType} ${stored.eventId}`, {
        reason,
        parkError: String(error),
      });
      throw error;
    }
    deps.logger.error(`subscriber '${definition.subscriberId}' parked ${stored.eventType} ${stored.eventId}`, { reason });
  };
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
    let failure: { error: unknown; at?: StoredEvent } | undefined;
    for (const stored of events) {
      try {
        const context = eventContext(toEnvelope(stored), definition.subscriberId, 1, deps.repository, unit);
        await (subscriber as Record<string | symbol, (c: unknown) => unknown>)[definition.handlers.get(stored.eventType)!](context);
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
