/**
 * What an application uses: decorators, the repository, Eventloom, errors,
 * snapshot strategies. What back ends implement is in '@eventloom/core/spi'.
 */
import 'reflect-metadata';

// Nested value objects are revived by class-transformer's @Type: one copy, re-exported, so that a
// second copy of class-transformer in an application cannot silently drop them.
export { Type } from 'class-transformer';

export { Event } from './typing/event';
export type { EventOptions } from './typing/event';
export { upcast, Upcasters } from './typing/upcasting';
export type { StoredEventInfo, StoredShape, Upcaster } from './typing/upcasting';
export type { EventEnvelope } from './typing/event-envelope';
export type { EventMetadataFields } from './typing/stored-event';

export { Aggregate, Apply, CommandHandler, Process } from './aggregates/decorators';
export type { Decision } from './aggregates/decorators';
export type { AggregateOptions } from './aggregates/aggregate-metadata';
export { AggregateRepository } from './aggregates/aggregate-repository';
export type {
  AggregateWithMetadata,
  ChangedAggregate,
  CommandOptions,
  LoadedAggregate,
  RepositoryMetrics,
  RepositoryOptions,
  RetryOptions,
  TriggeringEvent,
} from './aggregates/aggregate-repository';
export type { AggregateCacheOptions } from './aggregates/aggregate-cache';

export { afterEvents, neverSnapshot, snapshotStrategy, whenLoadTakesLongerThan } from './snapshots/snapshot-strategy';
export type { SnapshotDecisionInput, SnapshotStrategy } from './snapshots/snapshot-strategy';

export { EventHandlerMethod, EventSubscriber } from './subscribers/decorators';
export type { EventContext } from './subscribers/event-context';
export type { SubscriberOptions } from './subscribers/subscriber-metadata';
export type { BatchOptions, BatchParticipant, DeliveryBatch } from './subscribers/delivery-batch';
export type { DeliveryOptions } from './subscribers/delivery';

export { Eventloom } from './runtime/eventloom';
export type { DeliveryOverrides, EventloomOptions } from './runtime/eventloom';
export { consoleLogger, silentLogger } from './runtime/logger';
export type { HealthCheck, HealthOptions, HealthReport } from './health/health-report';
export type { Logger } from './runtime/logger';
export { instrumentations } from './observability/instrumentation';
export type { AppendInfo, Around, CommandInfo, HandleInfo, Instrumentation, PublishInfo } from './observability/instrumentation';
export type { SubscriberProgress } from './observability/subscriber-progress';

// Parked events: inspect, retry or discard them (the stores themselves come from a back end).
export { discardParked, retryAllParked, retryParked } from './deadLetters/retry-parked';
export type { ParkedEventHandler, RetryOutcome } from './deadLetters/retry-parked';
export type { ParkedEvent } from './deadLetters/dead-letter-store';

// Command/reply messaging and the transactional outbox (Eventuate Tram's model and headers).
export { Command, CommandFailed, Reply } from './messaging/message-types';
export type { FailureOf, Replies, ReplyOf, SuccessOf } from './messaging/message-types';
export { CommandHandlers, HandlesCommand } from './messaging/command-handlers';
export type { CommandHandlersOptions } from './messaging/command-handlers';
export type { CommandContext, TransactionalOutbox } from './messaging/command-context';
export { withFailure, withSuccess } from './messaging/command-outcome';
export type { CommandOutcome } from './messaging/command-outcome';
export { Outbox } from './messaging/outbox';
export type { SendOptions } from './messaging/outbox';
export { UnhandledCommandError } from './messaging/command-dispatch';
export { Messaging } from './messaging/messaging';
export type { MessagingBackend, MessagingOptions } from './messaging/messaging';
export type { Message, ReplyOutcome } from './messaging/message';
export { CommandHeaders, EventHeaders, MessageHeaders, ReplyHeaders, SagaHeaders } from './messaging/message';

// Orchestrated sagas.
export { defineSaga } from './sagas/saga-definition';
export type { CompensationRetry, LocalAction, LocalContext, SagaDefinition, SagaOptions } from './sagas/saga-definition';
export { SagaManager } from './sagas/saga-manager';
export type { SagaState } from './sagas/saga-manager';
export type { SagaStatus } from './sagas/saga-instance';

export { EventloomError } from './errors/eventloom-error';
export { ConfigurationError } from './errors/configuration-error';
export { isInfrastructureFailure } from './errors/infrastructure-failure';
export {
  AggregateNotFoundError,
  ClosedError,
  CommandRejectedError,
  DuplicateAggregateError,
  DuplicateSagaError,
  DuplicateSubscriberError,
  EventTooLargeError,
  InvalidDefinitionError,
  MissingApplierError,
  MissingCommandHandlerError,
  OptimisticConcurrencyError,
  TransientStoreError,
  UnknownEventTypeError,
  UnknownEventVersionError,
  UpcastFailedError,
} from './errors/errors';
export { UndecodableMessageError } from './deadLetters/undecodable';
