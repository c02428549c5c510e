import { Admin, Kafka, KafkaConfig } from 'kafkajs';
import {
  consoleLogger,
  DeadLetterStore,
  DuplicateSubscriberError,
  EventTransport,
  InMemoryDeadLetterStore,
  Logger,
  Subscription,
  positiveInteger,
  SubscriptionRequest,
} from '@eventloom/core';
import { resolveBrokers } from '../config';
import { KafkaConfigurationError } from '../errors';
import { connectAdmin, createKafka } from '../kafka-client';
import { defaultTopicPrefix, ensureTopics, topicFor } from '../topics';
import { KafkaSubscription } from './kafka-subscription';
import { supportsAggregateParking } from '../dead-letters/aggregate-parking';

/** Where the highest position a rebuild handled is kept (see rebuild/). */
export interface RebuildMarks {
  /** Highest position a rebuild of this subscriber handled; 0 if it was never rebuilt. */
  get(subscriberId: string): Promise<number>;
}

/** Something that can tell when every event stored so far has reached Kafka (a Publisher, or MySqlPublicationLog). */
export interface PublicationProgress {
  published(): Promise<void>;
}

export interface KafkaTransportOptions {
  readonly brokers?: string | readonly string[];
  readonly clientId?: string;
  /** Must match the publisher's (default 'eventloom.'). */
  readonly topicPrefix?: string;
  /** Consumer group id = prefix + subscriber id (default none). */
  readonly groupIdPrefix?: string;
  /** Partitions of topics this transport creates when they are missing (default 4). */
  readonly partitions?: number;
  /**
   * Where messages that are not published events are parked. Pass the same
   * store as the Eventloom's, so that all parked events are in one place.
   */
  readonly deadLetters?: DeadLetterStore;
  /**
   * Keep per-aggregate order through a failure: once an event of an
   * aggregate is parked, park its later events too ("held back") until the
   * parked ones are retried (retryAll keeps their order). Needs `deadLetters`
   * to be an AggregateParking store (MySqlDeadLetterStore), the same
   * instance as the Eventloom's. Default false: later events are delivered,
   * as on every transport.
   */
  readonly holdBackAfterPark?: boolean;
  /** Positions at or below a subscriber's mark were handled by a rebuild and are skipped. */
  readonly rebuildMarks?: RebuildMarks;
  /** Lets caughtUp() include events stored but not yet published. */
  readonly publication?: PublicationProgress;
  /** Partitions one subscription processes at once (default 4). */
  readonly partitionsConsumedConcurrently?: number;
  /** Aggregates one partition processes at once (default 16). */
  readonly maxConcurrentAggregates?: number;
  /** Aggregates whose last handled version is remembered to drop repeats (default 100 000 per subscription). */
  readonly dedupeCapacity?: number;
  /** Consumer group timings; defaults are tuned for quick joins and failover. */
  readonly consumer?: {
    readonly sessionTimeout?: number;
    readonly heartbeatInterval?: number;
    readonly rebalanceTimeout?: number;
    readonly maxWaitTimeInMs?: number;
  };
  /** How long subscribe() waits for the consumer group to be joined, ms (default 30 000). */
  readonly joinTimeoutMs?: number;
  readonly logger?: Logger;
  /** Extra kafkajs client settings (ssl, sasl, ...). */
  readonly kafkaConfig?: Partial<KafkaConfig>;
}

/**
 * The Kafka EventTransport: one consumer group per subscriber id, reading
 * the topics of the aggregate types it handles. Per partition, messages of
 * one aggregate are handled in order and different aggregates concurrently;
 * offsets are committed only for an unbroken run of handled messages.
 */
export class KafkaTransport implements EventTransport {
  private readonly brokers: string[];
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly deadLetters: DeadLetterStore;
  private readonly knownTopics = new Set<string>();
  private readonly active = new Map<string, KafkaSubscription>();
  private adminClient?: Promise<Admin>;
  private closed = false;

  constructor(private readonly options: KafkaTransportOptions = {}) {
    this.brokers = resolveBrokers(options.brokers);
    this.logger = options.logger ?? consoleLogger;
    this.kafka = createKafka({ brokers: this.brokers, clientId: options.clientId ?? 'eventloom', logger: this.logger, config: options.kafkaConfig });
    this.deadLetters = options.deadLetters ?? new InMemoryDeadLetterStore();
    topicFor('check', options.topicPrefix ?? defaultTopicPrefix);
    if (options.holdBackAfterPark && !supportsAggregateParking(this.deadLetters)) {
      throw new KafkaConfigurationError('holdBackAfterPark needs deadLetters that can tell parked aggregates apart, such as MySqlDeadLetterStore.');
    }
    positiveInteger('partitions', options.partitions ?? 4, KafkaConfigurationError);
  }

  /** The topic an aggregate type is published to. */
  topicOf(aggregateType: string): string {
    return topicFor(aggregateType, this.options.topicPrefix ?? defaultTopicPrefix);
  }

  groupIdOf(subscriberId: string): string {
    return (this.options.groupIdPrefix ?? '') + subscriberId;
  }

  async subscribe(request: SubscriptionRequest): Promise<Subscription> {
    if (this.closed) throw new KafkaConfigurationError('This KafkaTransport is closed.');
    if (this.active.has(request.subscriberId)) throw new DuplicateSubscriberError(request.subscriberId);
    if (request.aggregateTypes.length === 0) {
      throw new KafkaConfigurationError(`Subscriber '${request.subscriberId}' reads no aggregate type, so there is no topic to consume.`);
    }
    const topics = request.aggregateTypes.map((t) => this.topicOf(t));
    const admin = await this.admin();
    await ensureTopics(admin, topics, this.options.partitions ?? 4, this.knownTopics);
    const rebuiltUpTo = (await this.options.rebuildMarks?.get(request.subscriberId)) ?? 0;
    const subscription = new KafkaSubscription(request, topics, rebuiltUpTo, {
      kafka: this.kafka,
      admin,
      brokers: this.brokers,
      groupId: this.groupIdOf(request.subscriberId),
      deadLetters: this.deadLetters,
      logger: this.logger,
      options: this.options,
      onClose: () => this.active.delete(request.subscriberId),
    });
    this.active.set(request.subscriberId, subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.active.delete(request.subscriberId);
      await subscription.close().catch(() => undefined);
      throw error;
    }
    return subscription;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.active.values()].map((s) => s.close()));
    const admin = this.adminClient;
    this.adminClient = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect();
  }

  private admin(): Promise<Admin> {
    if (!this.adminClient) {
      this.adminClient = connectAdmin(this.kafka, this.brokers);
      this.adminClient.catch(() => (this.adminClient = undefined));
    }
    return this.adminClient;
  }
}
