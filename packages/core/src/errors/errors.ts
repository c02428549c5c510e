import { EventloomError } from './eventloom-error';

export class UnknownEventTypeError extends EventloomError {
  constructor(
    readonly eventType: string,
    context?: string,
    message?: string,
  ) {
    super(
      message ??
        `Unknown event type '${eventType}'${context ? ` ${context}` : ''}. ` +
          `Declare a class with @Event('${eventType}') and import it before events of this type are read; ` +
          `if the class was renamed, name the old type in its aliases: @Event('NewName', { aliases: ['${eventType}'] }).`,
    );
  }
}

/**
 * A stored event whose schema version this process cannot read: newer than
 * its class (written by newer code), or older with no upcaster to the
 * current version. It will not decode on the next try either.
 */
export class UnknownEventVersionError extends UnknownEventTypeError {
  constructor(
    eventType: string,
    readonly storedVersion: unknown,
    readonly currentVersion: number,
    context?: string,
  ) {
    const where = context ? ` ${context}` : '';
    super(
      eventType,
      context,
      typeof storedVersion === 'number' && Number.isInteger(storedVersion) && storedVersion > currentVersion
        ? `Event '${eventType}'${where} is stored at schema version ${storedVersion}, newer than this process knows (version ${currentVersion}). ` +
            `Deploy the code that declares @Event('${eventType}', { schemaVersion: ${storedVersion} }) to this service before events of that version reach it.`
        : typeof storedVersion === 'number' && Number.isInteger(storedVersion) && storedVersion >= 1
          ? `Event '${eventType}'${where} is stored at schema version ${storedVersion}, and '${eventType}' (version ${currentVersion}) has no upcaster from it. ` +
            `Declare them on the class: @Event('${eventType}', { schemaVersion: ${currentVersion}, upcasters: upcast<${eventType}V${storedVersion}>(${storedVersion === 1 ? '' : storedVersion})${steps(storedVersion, currentVersion)} }).`
          : `Event '${eventType}'${where} has schema version ${JSON.stringify(storedVersion)} in its metadata; schema versions are integers from 1.`,
    );
  }
}

function steps(from: number, to: number): string {
  let text = '';
  for (let v = from + 1; v <= to; v++) text += `.to(${v}, (v${v - 1}) => ...)`;
  return text;
}

/** An upcaster threw. It throws again on the next try: a delivery parks the event at once. */
export class UpcastFailedError extends EventloomError {
  readonly eventType: string;
  readonly eventId: string;

  constructor(
    stored: { readonly eventType: string; readonly eventId: string; readonly aggregateType: string; readonly aggregateId: string },
    readonly fromVersion: number,
    cause: unknown,
  ) {
    super(
      `The upcaster of '${stored.eventType}' from version ${fromVersion} to ${fromVersion + 1} failed on event ${stored.eventId} ` +
        `of ${stored.aggregateType} '${stored.aggregateId}': ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'Fix the upcaster; the stored event is unchanged.',
      { cause },
    );
    this.eventType = stored.eventType;
    this.eventId = stored.eventId;
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

/**
 * A saga was started with the id of one that already exists. Its start ran
 * in a transaction (the caller's, if it gave one) that must not commit: let
 * the error end it, and everything it wrote, the caller's rows and the
 * commands of the saga's first steps, rolls back.
 */
export class DuplicateSagaError extends EventloomError {
  constructor(
    readonly sagaType: string,
    readonly sagaId: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Saga ${sagaType} '${sagaId}' already exists. Start each saga with its own id (omit sagaId to get a new one), or read the existing one with find(); ` +
        'let this error end the transaction the start ran in, so that nothing of this start is committed.',
      options,
    );
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
