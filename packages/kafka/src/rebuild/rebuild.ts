import { Admin, KafkaConfig } from 'kafkajs';
import { consoleLogger, DeliveryOptions, Eventloom, EventloomError, Logger } from '@eventloom/core';
import {
  aggregateTypesOf,
  PublicationLog,
  RebuildMarks,
  StoredEvent,
  subscriberDefinition,
  SubscriptionRequest,
  positiveInteger,
  aggregateKey,
} from '@eventloom/core/spi';
import { resolveBrokers } from '../config';
import { KafkaConfigurationError } from '../errors';
import { connectAdmin, createKafka } from '../kafka-client';
import { ensureTopics } from '../topics';
import { KafkaTopology } from '../topology';
import { runKeyOrderedBatch } from '../consumer/key-ordered-batch';

/** What a rebuild needs of a subscriber: which events it reads, and how it handles one. */
export type RebuildRequest = Pick<SubscriptionRequest, 'subscriberId' | 'aggregateTypes' | 'eventTypes' | 'handle' | 'batch'>;

export interface RebuildProgress {
  /** Events handed to the subscriber so far. */
  readonly handled: number;
  /** Position read up to. */
  readonly position: number;
  /** Last position when the rebuild started (it may grow while it runs). */
  readonly total: number;
}

export interface RebuildOptions {
  /** The event store read by position: the source of truth. */
  readonly log: PublicationLog;
  /** Where the rebuild records the last position it handled; give the same store to the KafkaTransport. */
  readonly marks: RebuildMarks;
  /**
   * The topology of the transport the rebuild hands over to (`transport.topology`),
   * so that it moves the offsets of the very consumer group that transport joins.
   */
  readonly topology: KafkaTopology;
  readonly kafka?: { readonly brokers?: string | readonly string[]; readonly clientId?: string; readonly config?: Partial<KafkaConfig> };
  /** Events read per query (default 1000). */
  readonly batchSize?: number;
  /** Aggregates handled at once (default 16); one aggregate's events stay in order. */
  readonly maxConcurrentAggregates?: number;
  /**
   * For a subscriber declared with `batch`: runs handled at once (default 1), each in its own unit of work and on
   * its own aggregates, so one aggregate's events stay in one run, in order. More than one lets the database work
   * on two transactions at once, as the Kafka transport's partitions do.
   */
  readonly concurrentRuns?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /**
   * Hand over only the events from this position on (default 1: the whole
   * store). A replay; or a rebuild resumed after a crash from the position
   * its last `saveProgress` recorded, plus one.
   */
  readonly fromPosition?: number;
  /** Awaited after each batch with the position below which every event is handled: where a killed rebuild resumes. */
  readonly saveProgress?: (position: number) => Promise<void>;
  readonly logger?: Logger;
}

export interface RebuildResult {
  readonly handled: number;
  /** Highest position the rebuild covered: the subscription goes on after it. */
  readonly position: number;
}

/** The subscriber's consumer group has members: a rebuild must not race a live subscription. */
export class SubscriberActiveError extends EventloomError {}

/**
 * Rebuilds a subscriber (e.g. a view, emptied beforehand) from the event
 * store, then hands over to its Kafka subscription with no gap and no repeat,
 * even when Kafka no longer holds the old messages (retention, a recreated
 * topic). Run it while the subscriber is subscribed nowhere; subscribe it
 * afterwards with the KafkaTransport whose `topology` it was given, and the same `marks`.
 *
 * The handover, and why it is exact:
 *  1. Capture E, the end offset of every partition of the subscriber's
 *     topics, BEFORE reading the store.
 *  2. Read the store by position (`position > p ORDER BY position`) until a
 *     read returns nothing, handing every event to the subscriber; P is the
 *     last position read. Events with a position but not yet marked
 *     published are read too: what matters is the position, not the flag.
 *  3. Record P (marks), then set the group's offsets to E.
 *
 *  - No gap: take an event with position > P. It had no position at the
 *    last (empty) read, which came after step 1. The publisher sends an event
 *    only after its position is committed, so this one reached Kafka after E
 *    was captured, at an offset >= E of its partition: the subscription,
 *    starting at E, reads it.
 *  - No repeat: an event at an offset < E reached Kafka before step 1, so its
 *    position was committed before the last read; positions are gap-free and
 *    each batch of them commits at once, so the reads saw it: position <= P,
 *    handled by the rebuild, and never read again (offsets start at E).
 *    Events at offsets >= E with position <= P (sent after step 1, or resent
 *    by a publisher that took over) are skipped by the transport, which
 *    drops every message whose position header is <= P.
 */
export async function rebuild(request: RebuildRequest, options: RebuildOptions): Promise<RebuildResult> {
  const logger = options.logger ?? consoleLogger;
  const brokers = resolveBrokers(options.kafka?.brokers);
  const { topology } = options;
  if (!topology) throw new KafkaConfigurationError('rebuild needs the topology of the transport it hands over to: { topology: transport.topology }.');
  const groupId = topology.groupIdOf(request.subscriberId);
  const topics = request.aggregateTypes.map((t) => topology.topicOf(t));
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 1000, KafkaConfigurationError);
  const concurrentRuns = positiveInteger('concurrentRuns', options.concurrentRuns ?? 1, KafkaConfigurationError);
  const kafka = createKafka({ brokers, clientId: options.kafka?.clientId ?? 'eventloom-rebuild', logger, config: options.kafka?.config });
  const admin = await connectAdmin(kafka, brokers);
  try {
    await ensureTopics(admin, topics, topology.partitions);
    await assertGroupIdle(admin, groupId, request.subscriberId);
    // 1. End offsets before reading the store.
    const ends = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const topic of topics) {
      ends.set(topic, (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high })));
    }
    // 2. The store, by position, to its end.
    const aggregateTypes = new Set(request.aggregateTypes);
    const eventTypes = new Set(request.eventTypes);
    const total = await options.log.lastPosition();
    // A resumed run captures its own end offsets (step 1 above) before reading on: the argument
    // holds for it as for a fresh one, since the earlier run handled every position up to where it starts.
    let position = Math.max(0, (options.fromPosition ?? 1) - 1);
    let handled = 0;
    logger.info(`rebuilding subscriber '${request.subscriberId}' from the event store (${total} events to scan)`);
    // The next page is read while this one is handled.
    const read = (after: number) => {
      const page = options.log.readPublished(after, batchSize);
      page.catch(() => undefined); // seen by the await below; not unhandled should a handler fail first
      return page;
    };
    let reading = read(position);
    for (;;) {
      const batch = await reading;
      if (batch.length === 0) break;
      reading = read(batch[batch.length - 1].position);
      const wanted = batch.filter((e) => aggregateTypes.has(e.aggregateType) && eventTypes.has(e.eventType));
      if (request.batch) {
        // A batching subscriber: runs in position order within each lane, one unit of work each; the page is
        // done (and its progress saved) once every lane is.
        const { maxEvents, handle } = request.batch;
        await settleAll(
          lanesByAggregate(wanted, concurrentRuns).map(async (lane) => {
            for (let i = 0; i < lane.length; i += maxEvents) await handle(lane.slice(i, i + maxEvents));
          }),
        );
      } else {
        const result = await runKeyOrderedBatch(
          wanted.map((event: StoredEvent) => ({ offset: String(event.position), key: aggregateKey(event.aggregateType, event.aggregateId), run: () => request.handle(event) })),
          { maxConcurrentKeys: options.maxConcurrentAggregates ?? 16, resolve: () => undefined, shouldStop: () => false },
        );
        if (result.failed !== undefined) throw result.failed;
      }
      handled += wanted.length;
      position = batch[batch.length - 1].position;
      await options.saveProgress?.(position);
      options.onProgress?.({ handled, position, total });
    }
    // 3. Mark first: should we die before the offsets move, the old offsets plus the mark still skip what was rebuilt.
    await options.marks.set(request.subscriberId, position);
    for (const [topic, partitions] of ends) await admin.setOffsets({ groupId, topic, partitions });
    logger.info(`rebuilt subscriber '${request.subscriberId}': ${handled} events up to position ${position}; Kafka takes over from there`);
    return { handled, position };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Rebuilds a subscriber instance with the handling the Eventloom would give it (decode, retry, park into its dead
 * letters; runs of events in one unit of work for a subscriber declared with `batch`).
 */
export function rebuildSubscriber(
  eventloom: Eventloom,
  subscriber: object,
  options: RebuildOptions & { readonly delivery?: Partial<DeliveryOptions> },
): Promise<RebuildResult> {
  const definition = subscriberDefinition(subscriber);
  return rebuild(
    {
      subscriberId: definition.subscriberId,
      aggregateTypes: aggregateTypesOf(definition),
      eventTypes: [...definition.handlers.keys()],
      handle: eventloom.deliveryFor(subscriber, { delivery: options.delivery, logger: options.logger }),
      batch: eventloom.batchDeliveryFor(subscriber, { delivery: options.delivery, logger: options.logger }),
    },
    options,
  );
}

/**
 * The events split into `lanes` lists, in their order, every aggregate's events in one list: aggregates go to
 * lanes in turn as they first appear, which keeps the lanes about as long as each other.
 */
function lanesByAggregate(events: readonly StoredEvent[], lanes: number): ReadonlyArray<readonly StoredEvent[]> {
  if (lanes === 1) return [events];
  const split: StoredEvent[][] = Array.from({ length: lanes }, () => []);
  const laneOf = new Map<string, number>();
  let next = 0;
  for (const event of events) {
    const key = aggregateKey(event.aggregateType, event.aggregateId);
    let lane = laneOf.get(key);
    if (lane === undefined) {
      lane = next++ % lanes;
      laneOf.set(key, lane);
    }
    split[lane].push(event);
  }
  return split.filter((lane) => lane.length > 0);
}

/** Waits for every lane, so that none is still handling when a failure is thrown; then throws the first failure. */
async function settleAll(work: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function assertGroupIdle(admin: Admin, groupId: string, subscriberId: string): Promise<void> {
  const { groups } = await admin.describeGroups([groupId]);
  const members = groups[0]?.members.length ?? 0;
  if (members > 0) {
    throw new SubscriberActiveError(
      `Cannot rebuild '${subscriberId}': its consumer group '${groupId}' has ${members} member(s). Close the subscription in every process first.`,
    );
  }
}
