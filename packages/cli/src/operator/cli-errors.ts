import { ConfigurationError, EventloomError } from '@eventloom/core';

/** A mistake in the command line: the usage is printed, exit code 2. */
export class CliUsageError extends ConfigurationError {}

/** A subscriber id the service does not have and nothing stored names. */
export class UnknownSubscriberError extends ConfigurationError {
  constructor(
    readonly subscriberId: string,
    known: readonly string[],
  ) {
    super(
      `Unknown subscriber '${subscriberId}'. ` +
        (known.length > 0 ? `Known here: ${known.join(', ')}. ` : 'No subscriber is known here. ') +
        'Subscribers are known from --service <module> and from what the database (checkpoints, parked events, rebuild marks) and, with --kafka, the consumer groups hold.',
    );
  }
}

/** The --service module cannot be loaded or does not export an Eventloom service. */
export class ServiceModuleError extends ConfigurationError {}

/** A command that needs the service's code (a subscriber instance, an aggregate class) ran without it. */
export class ServiceCodeNeededError extends ConfigurationError {}

/** An aggregate that is not in the store. */
export class AggregateNotStoredError extends EventloomError {}
