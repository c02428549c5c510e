import { EventloomError } from './eventloom-error';

export class UnknownEventTypeError extends EventloomError {
  constructor(
    readonly eventType: string,
    context?: string,
  ) {
    super(
      `Unknown event type '${eventType}'${context ? ` ${context}` : ''}. ` +
        `Declare a class with @Event('${eventType}') and import it before events of this type are read.`,
    );
  }
}

export class AggregateNotFoundError extends EventloomError {
  constructor(
    readonly aggregateType: string,
    readonly aggregateId: string,
  ) {
    super(`${aggregateType} '${aggregateId}' not found. Create it first, or check the id.`);
  }
}

export class DuplicateAggregateError extends EventloomError {
  constructor(
    readonly aggregateType: string,
    readonly aggregateId: string,
  ) {
    super(`${aggregateType} '${aggregateId}' already exists. Use update() to change it, or choose another id.`);
  }
}

export class MissingApplierError extends EventloomError {
  constructor(
    readonly aggregateType: string,
    readonly eventType: string,
  ) {
    super(
      `${aggregateType} has no applier for event '${eventType}'. ` +
        `Add a method decorated with @Apply(${eventType}) to the aggregate class.`,
    );
  }
}

export class MissingCommandHandlerError extends EventloomError {
  constructor(
    readonly aggregateType: string,
    readonly commandType: string,
  ) {
    super(
      `${aggregateType} has no command handler for '${commandType}'. ` +
        `Add a method decorated with @CommandHandler(${commandType}) to the aggregate class.`,
    );
  }
}

/** Thrown by a command handler when a business rule refuses the command. Nothing is written. */
export class CommandRejectedError extends EventloomError {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The aggregate changed between load and append, and the repository ran out of
 * tries. Nothing was written by the losing attempt.
 */
export class OptimisticConcurrencyError extends EventloomError {
  override readonly retriable = true;

  constructor(
    readonly aggregateType: string,
    readonly aggregateId: string,
    readonly expectedVersion: number,
    readonly attempts?: number,
  ) {
    super(
      `${aggregateType} '${aggregateId}' was changed concurrently (expected version ${expectedVersion})` +
        (attempts ? ` and ${attempts} tries all lost the race` : '') +
        '. Retry the command, or raise the repository retry limit if this aggregate is very hot.',
    );
  }
}

/**
 * The store refused an append for a moment, with nothing written: a deadlock
 * or a lock-wait timeout. Not a lost optimistic race (no one else changed the
 * aggregate); the repository decides again and retries it like one, and a
 * subscriber treats it as an outage, never as a poison event.
 */
export class TransientStoreError extends EventloomError {
  override readonly retriable = true;

  constructor(
    readonly aggregateType: string,
    readonly aggregateId: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Appending to ${aggregateType} '${aggregateId}' was refused for a moment (${reason}); nothing was written. Retry the command.`, options);
  }
}

export class DuplicateSubscriberError extends EventloomError {
  constructor(readonly subscriberId: string) {
    super(
      `A subscriber with id '${subscriberId}' is already subscribed. ` +
        'Each subscriber id is one durable subscription: give the second subscriber its own id.',
    );
  }
}

export class InvalidDefinitionError extends EventloomError {}

/** Something was used after close(): a runtime state, not a setting to fix. Create a new one. */
export class ClosedError extends EventloomError {
  constructor(readonly what: string) {
    super(`${what} is closed; create a new one to go on.`);
  }
}

export class EventTooLargeError extends EventloomError {
  constructor(
    readonly eventType: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `Event '${eventType}' is ${bytes} bytes once serialized, over the limit of ${limit} bytes. ` +
        'Keep events small: store large payloads elsewhere and put a reference in the event.',
    );
  }
}
