import { Admin, Consumer, EachBatchPayload, Kafka, KafkaConfig } from 'kafkajs';
import {
  consoleLogger,
  DeadLetterStore,
  DuplicateSubscriberError,
  EventTransport,
  InMemoryDeadLetterStore,
  Logger,
  sleep,
  StoredEvent,
  Subscription,
  SubscriptionRequest,
} from '@eventloom/core';
import { positiveInteger, resolveBrokers } from '../config';
import { describe, KafkaConfigurationError } from '../errors';
import { connectAdmin, createKafka, unreachable } from '../kafka-client';
import { defaultTopicPrefix, ensureTopics, topicFor } from '../topics';
import { decodePublishedEvent } from '../wire/published-event-codec';
import { HandledVersions } from './handled-versions';
import { BatchItem, runKeyOrderedBatch } from './key-ordered-batch';

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
    positiveInteger('partitions', options.partitions ?? 4);
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

interface SubscriptionDependencies {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly deadLetters: DeadLetterStore;
  readonly logger: Logger;
  readonly options: KafkaTransportOptions;
  readonly onClose: () => void;
}

class KafkaSubscription implements Subscription {
  readonly subscriberId: string;
  private readonly eventTypes: Set<string>;
  private readonly handled: HandledVersions;
  private readonly consumer: Consumer;
  /** Next offset to handle, per "topic:partition", as far as this member got. */
  private readonly progress = new Map<string, number>();
  private inFlight = 0;
  private closing = false;
  private closed?: Promise<void>;

  constructor(
    private readonly request: SubscriptionRequest,
    private readonly topics: readonly string[],
    private readonly rebuiltUpTo: number,
    private readonly deps: SubscriptionDependencies,
  ) {
    this.subscriberId = request.subscriberId;
    this.eventTypes = new Set(request.eventTypes);
    this.handled = new HandledVersions(deps.options.dedupeCapacity);
    const timings = deps.options.consumer ?? {};
    this.consumer = deps.kafka.consumer({
      groupId: deps.groupId,
      sessionTimeout: timings.sessionTimeout ?? 10_000,
      heartbeatInterval: timings.heartbeatInterval ?? 1_000,
      rebalanceTimeout: timings.rebalanceTimeout ?? 10_000,
      maxWaitTimeInMs: timings.maxWaitTimeInMs ?? 100,
      allowAutoTopicCreation: false,
    });
  }

  async start(): Promise<void> {
    try {
      await this.consumer.connect();
    } catch (error) {
      throw unreachable(error, this.deps.brokers);
    }
    const joined = new Promise<void>((resolve) => {
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 1_000,
      partitionsConsumedConcurrently: this.deps.options.partitionsConsumedConcurrently ?? 4,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    const timeout = this.deps.options.joinTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      joined,
      new Promise<void>((_, reject) => {
        timer = setTimeout(
          () => reject(new KafkaConfigurationError(`Subscriber '${this.subscriberId}' did not join consumer group '${this.deps.groupId}' within ${timeout} ms.`)),
          timeout,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  idle(): boolean {
    return this.inFlight === 0;
  }

  /**
   * Resolves once every message that was in the topics at call time is
   * handled (by this member, or by another member of the group as far as its
   * committed offsets tell). With `publication`, first waits until every
   * event stored at call time is in Kafka.
   */
  async caughtUp(): Promise<void> {
    await this.deps.options.publication?.published();
    const targets = new Map<string, number>();
    for (const topic of this.topics) {
      for (const p of await this.deps.admin.fetchTopicOffsets(topic)) targets.set(`${topic}:${p.partition}`, Number(p.high));
    }
    for (;;) {
      if (this.closing) return;
      let behind = [...targets].filter(([tp, high]) => (this.progress.get(tp) ?? 0) < high);
      if (behind.length > 0) {
        const committed = await this.deps.admin.fetchOffsets({ groupId: this.deps.groupId, topics: [...this.topics] });
        const byTp = new Map<string, number>(committed.flatMap((t) => t.partitions.map((p): [string, number] => [`${t.topic}:${p.partition}`, Number(p.offset)])));
        behind = behind.filter(([tp, high]) => (byTp.get(tp) ?? -1) < high);
      }
      if (behind.length === 0) return;
      await sleep(25);
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closing = true;
      this.closed = (async () => {
        try {
          await this.consumer.disconnect();
        } finally {
          this.deps.onClose();
        }
      })();
    }
    return this.closed;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const tp: string = `${batch.topic}:${batch.partition}`;
    const items: BatchItem[] = batch.messages.map((message) => this.itemFor(batch.topic, batch.partition, message));
    const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), 1_000);
    this.inFlight++;
    try {
      const result = await runKeyOrderedBatch(items, {
        maxConcurrentKeys: this.deps.options.maxConcurrentAggregates ?? 16,
        resolve: (offset) => {
          payload.resolveOffset(offset);
          this.progress.set(tp, Number(offset) + 1);
        },
        shouldStop: () => this.closing || !payload.isRunning() || payload.isStale(),
      });
      await payload.commitOffsetsIfNecessary();
      if (result.failed !== undefined && !this.closing) {
        this.deps.logger.warn(`subscriber '${this.subscriberId}': handling failed at ${tp}; the rest of the batch is delivered again`, {
          error: describe(result.failed),
        });
        throw result.failed;
      }
    } finally {
      clearInterval(beat);
      this.inFlight--;
    }
  }

  private itemFor(topic: string, partition: number, message: EachBatchPayload['batch']['messages'][number]): BatchItem {
    const decoded = decodePublishedEvent({ topic, partition, ...message });
    if (!decoded.ok) {
      const event = decoded.event;
      return { offset: message.offset, key: `${topic}\u0000${event.aggregateId}`, run: () => this.park(event, decoded.reason) };
    }
    const event = decoded.event;
    if (!this.eventTypes.has(event.eventType)) return { offset: message.offset, key: '' };
    if (event.position !== undefined && event.position <= this.rebuiltUpTo) return { offset: message.offset, key: '' };
    const aggregateKey = `${event.aggregateType}\u0000${event.aggregateId}`;
    return {
      offset: message.offset,
      key: aggregateKey,
      run: async () => {
        if (this.handled.isRepeat(aggregateKey, event.version)) return;
        await this.request.handle(event);
        this.handled.record(aggregateKey, event.version);
      },
    };
  }

  private async park(event: StoredEvent, reason: string): Promise<void> {
    this.deps.logger.error(`subscriber '${this.subscriberId}' parked an undecodable message`, { reason });
    await this.deps.deadLetters.park({ subscriberId: this.subscriberId, event, error: reason, attempts: 0, parkedAt: new Date() });
  }
}
