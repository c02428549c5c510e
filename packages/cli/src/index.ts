/**
 * @eventloom/cli: the `eventloom` operator command. A service module imports
 * defineService from here to tell the CLI its aggregates and subscribers.
 */
export { defineService } from './operator/eventloom-service';
export type { EventloomService, ServiceContext } from './operator/eventloom-service';
export { runCli } from './program';
export type { CliIo } from './operator/cli-io';
export { AggregateNotStoredError, CliUsageError, ServiceCodeNeededError, ServiceModuleError, UnknownSubscriberError } from './operator/cli-errors';
export { NotParkedError } from './commands/parked';
