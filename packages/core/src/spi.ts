/**
 * What back ends implement and build on: the event store, the publication,
 * transports, checkpoints, dead letters, rebuild marks, and the helpers that
 * dispatch to decorated classes. Applications use '@eventloom/core'.
 */
import 'reflect-metadata';

export type { Class } from './typing/class';
export { eventTypes, EventTypeRegistry } from './typing/event';
export type { EventTypeInfo } from './typing/event';
export { toEnvelope } from './typing/event-envelope';
export { wireNames, WireNames } from './typing/wire-names';
export type { NewEvent, StoredEvent } from './typing/stored-event';

export type { AggregateStream, AppendRequest, EventStore, LoadOptions, Snapshot } from './eventStore/event-store';

export type { PublicationLog, Publisher, PublisherStatus } from './publication/publication-log';
export type { Instrumentation, PublishInfo } from './observability/instrumentation';
export type { PublicationSink, SequencedEvent } from './publication/publication-sink';

export type { EventBatchHandling, EventTransport, Subscription, SubscriptionRequest, SubscriptionStatus } from './transport/event-transport';
export { aggregateKey } from './transport/aggregate-key';
export { AggregateQueues } from './transport/aggregate-queues';
export { InMemoryCheckpointStore } from './transport/checkpoints';
export type { CheckpointStore } from './transport/checkpoints';
export { PublicationLogTransport } from './transport/publication-log-transport';
export type { PublicationLogTransportOptions } from './transport/publication-log-transport';

export type { DeadLetterStore, ParkedEntry } from './deadLetters/dead-letter-store';
export { supportsAggregateParking } from './deadLetters/aggregate-parking';
export type { AggregateParking } from './deadLetters/aggregate-parking';
export { isUndecodable } from './deadLetters/undecodable';
export type { RebuildMarks } from './rebuild/rebuild-marks';

export { aggregateDefinition, applyEvent, processCommand, processCreation } from './aggregates/aggregate-metadata';
export type { AggregateDefinition } from './aggregates/aggregate-metadata';
export { defaultRetry } from './aggregates/aggregate-repository';
export { aggregateTypesOf, subscriberDefinition } from './subscribers/subscriber-metadata';
export type { SubscriberDefinition } from './subscribers/subscriber-metadata';
export { defaultDelivery, eventBatchDelivery, eventDelivery } from './subscribers/delivery';
export { BatchUnit } from './subscribers/delivery-batch';
export type { DeliveryDependencies } from './subscribers/delivery';
export { eventContext } from './subscribers/event-context';

export { backoffDelay, sleep } from './runtime/backoff';
export type { BackoffOptions } from './runtime/backoff';
export { derivedId, newId } from './runtime/ids';
export { positiveInteger } from './errors/configuration-error';
export { describeError } from './errors/describe-error';

export type { OutboxStore, ReceivedMessages, Transactions } from './messaging/messaging-backend';
export { eventToMessage, inReply, messageToEvent, messageType } from './messaging/message';
export { buildMessage, commandMessage } from './messaging/outbox';
export { replyMessage } from './messaging/reply-message';
export { commandTypes, replyTypes } from './messaging/message-types';
export { retryingDelivery } from './subscribers/delivery';
export type { RetriedWork } from './subscribers/delivery';
export type { SagaInstance, SagaInstanceStore } from './sagas/saga-instance';
