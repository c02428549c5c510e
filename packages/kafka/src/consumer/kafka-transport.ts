import { Admin, Kafka, KafkaConfig } from 'kafkajs';
import { ClosedError, consoleLogger, DuplicateSubscriberError, Logger } from '@eventloom/core';
import { EventTransport, Publisher, RebuildMarks, Subscription, SubscriptionRequest, supportsAggregateParking } from '@eventloom/core/spi';
import { resolveBrokers } from '../config';
import { KafkaConfigurationError } from '../errors';
import { connectAdmin, createKafka } from '../kafka-client';
import { ensureTopics } from '../topics';
import { KafkaTopology, KafkaTopologyOptions, topologyOf } from '../topology';
import { KafkaSubscription } from './kafka-subscription';

/** Something that can tell when every event stored so far has reached Kafka (a Publisher, or MySqlPublicationLog). */
export interface PublicationProgress {
  published(): Promise<void>;
}

/**
 * The topic prefix (must match the publisher's), the group id prefix and the
 * partitions come either one by one or as one `topology` (kafkaTopology()).
 */
export interface KafkaTransportOptions extends KafkaTopologyOptions {
  readonly brokers?: string | readonly string[];
  readonly clientId?: string;
  readonly topology?: KafkaTopology;
  /**
   * Keep per-aggregate order through a failure: once an event of an
   * aggregate is parked, park its later events too ("held back") until the
   * parked ones are retried (retryAllParked keeps their order). Needs the
   * Eventloom's dead-letter store to be an AggregateParking store
   * (MySqlDeadLetterStore, InMemoryDeadLetterStore); checked at subscribe.
   * Default false: later events are delivered, as on every transport.
   */
  readonly holdBackAfterPark?: boolean;
  /** Positions at or below a subscriber's mark were handled by a rebuild and are skipped. */
  readonly rebuildMarks?: Pick<RebuildMarks, 'get'>;
  /** Lets caughtUp() include events stored but not yet published; a Publisher here also counts towards readiness (Eventloom.health()). */
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
 * the topics of the aggregate types it handles. Messages it cannot decode are
 * parked in the dead-letter store the Eventloom hands it with each subscription. Per partition, messages of
 * one aggregate are handled in order and different aggregates concurrently;
 * offsets are committed only for an unbroken run of handled messages.
 */
export class KafkaTransport implements EventTransport {
  private readonly brokers: string[];
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  /** Where events go and who reads them; give it to a rebuild that hands over to this transport. */
  readonly topology: KafkaTopology;
  private readonly knownTopics = new Set<string>();
  private readonly active = new Map<string, KafkaSubscription>();
  private adminClient?: Promise<Admin>;
  private closed = false;

  constructor(private readonly options: KafkaTransportOptions = {}) {
    this.brokers = resolveBrokers(options.brokers);
    this.logger = options.logger ?? consoleLogger;
    this.kafka = createKafka({ brokers: this.brokers, clientId: options.clientId ?? 'eventloom', logger: this.logger, config: options.kafkaConfig });
    this.topology = topologyOf(options, 'KafkaTransport');
  }

  /** The publisher given as `publication`, if it is one: Eventloom.health() asks it whether some instance leads. */
  get publisher(): Publisher | undefined {
    const publication = this.options.publication as Partial<Publisher> | undefined;
    return typeof publication?.status === 'function' ? (publication as Publisher) : undefined;
  }

  /** The topic an aggregate type is published to. */
  topicOf(aggregateType: string): string {
    return this.topology.topicOf(aggregateType);
  }

  groupIdOf(subscriberId: string): string {
    return this.topology.groupIdOf(subscriberId);
  }

  async subscribe(request: SubscriptionRequest): Promise<Subscription> {
    if (this.closed) throw new ClosedError('This KafkaTransport');
    if (this.active.has(request.subscriberId)) throw new DuplicateSubscriberError(request.subscriberId);
    if (request.aggregateTypes.length === 0) {
      throw new KafkaConfigurationError(`Subscriber '${request.subscriberId}' reads no aggregate type, so there is no topic to consume.`);
    }
    if (this.options.holdBackAfterPark && !supportsAggregateParking(request.deadLetters)) {
      throw new KafkaConfigurationError(
        `holdBackAfterPark needs the Eventloom's deadLetters to tell parked aggregates apart (an AggregateParking store such as MySqlDeadLetterStore); ` +
          `subscriber '${request.subscriberId}' came with a ${request.deadLetters?.constructor?.name ?? 'store'} that cannot.`,
      );
    }
    const topics = request.aggregateTypes.map((t) => this.topicOf(t));
    const admin = await this.admin();
    await ensureTopics(admin, topics, this.topology.partitions, this.knownTopics);
    const rebuiltUpTo = (await this.options.rebuildMarks?.get(request.subscriberId)) ?? 0;
    const subscription = new KafkaSubscription(request, topics, rebuiltUpTo, {
      kafka: this.kafka,
      admin,
      brokers: this.brokers,
      groupId: this.groupIdOf(request.subscriberId),
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
