import { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { Logger } from '@eventloom/core';
import {
  aggregateKey,
  AggregateParking,
  describeError,
  EventBatchHandling,
  eventTypes,
  sleep,
  StoredEvent,
  Subscription,
  SubscriptionRequest,
  SubscriptionStatus,
  supportsAggregateParking,
} from '@eventloom/core/spi';
import { GroupJoinTimeoutError } from '../errors';
import { unreachable } from '../kafka-client';
import { whileTopicsSettle } from '../while-topics-settle';
import { Decoded, decodeRecord } from '../wire/published-event-codec';
import { decodeTramRecord } from '../wire/tram-message-codec';
import { HandledVersions } from './handled-versions';
import { BatchControl, BatchItem, runKeyOrderedBatch } from './key-ordered-batch';

/** A message of a partition's batch; `event` when it decoded into one the subscriber handles. */
interface PartitionItem extends BatchItem {
  readonly event?: StoredEvent;
}
import type { KafkaTransportOptions } from './kafka-transport';

export interface SubscriptionDependencies {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly logger: Logger;
  readonly options: KafkaTransportOptions;
  readonly onClose: () => void;
}

/**
 * One subscriber's consumer group member: decodes each batch, skips what it
 * need not handle (other event types, positions a rebuild covered, repeats),
 * parks undecodable messages, and runs the rest through the key-ordered
 * batch runner, resolving offsets only as far as everything before is done.
 */
export class KafkaSubscription implements Subscription {
  readonly subscriberId: string;
  /** Undefined: every type (a command channel answers commands it does not know). */
  private readonly eventTypes?: Set<string>;
  private readonly handled: HandledVersions;
  private readonly consumer: Consumer;
  /** Next offset to handle, per "topic:partition", as far as this member got. */
  private readonly progress = new Map<string, number>();
  private inFlight = 0;
  /** With holdBackAfterPark: aggregates with parked events, whose later events are parked too. */
  private heldBack?: Set<string>;
  private stopListening?: () => void;
  /** True while this member is in its group (joined, not rebalancing, crashed or stopped). */
  private member = false;
  private closing = false;
  private closed?: Promise<void>;

  constructor(
    private readonly request: SubscriptionRequest,
    private readonly topics: readonly string[],
    private readonly rebuiltUpTo: number,
    private readonly deps: SubscriptionDependencies,
  ) {
    this.subscriberId = request.subscriberId;
    this.eventTypes = request.everyEventType ? undefined : new Set(request.eventTypes);
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
    const parking = this.deps.options.holdBackAfterPark && supportsAggregateParking(this.request.deadLetters) ? this.request.deadLetters : undefined;
    if (parking) {
      const held = (this.heldBack = await parking.parkedAggregates(this.subscriberId));
      this.stopListening = parking.onPark((entry) => {
        if (entry.subscriberId === this.subscriberId) held.add(aggregateKey(entry.event.aggregateType, entry.event.aggregateId));
      });
    }
    try {
      await this.consumer.connect();
    } catch (error) {
      throw unreachable(error, this.deps.brokers);
    }
    const { GROUP_JOIN, REBALANCING, CRASH, STOP, DISCONNECT } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => (this.member = true));
    for (const left of [REBALANCING, CRASH, STOP, DISCONNECT]) this.consumer.on(left, () => (this.member = false));
    const joined = new Promise<void>((resolve) => {
      const off = this.consumer.on(GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    this.consumer.on(CRASH, ({ payload }) => {
      if (!payload.restart) this.rejoinAfterCrash(payload.error);
    });
    await whileTopicsSettle(() => this.consumer.subscribe({ topics: [...this.topics], fromBeginning: true }));
    await this.runConsumer();
    const timeout = this.deps.options.joinTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      joined,
      new Promise<void>((_, reject) => {
        timer = setTimeout(
          () => reject(new GroupJoinTimeoutError(this.subscriberId, this.deps.groupId, timeout)),
          timeout,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private runConsumer(): Promise<void> {
    return this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: 1_000,
      partitionsConsumedConcurrently: this.deps.options.partitionsConsumedConcurrently ?? 4,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /**
   * kafkajs restarts its consumer only after errors it deems retriable; after
   * others (a broker that comes back answering a stale member or coordinator,
   * say) it disconnects for good, and the subscription would stop advancing
   * while the process runs on. An outage is not the end of a subscription:
   * connect and rejoin the group with backoff, for as long as it takes.
   */
  private rejoinAfterCrash(cause: Error, attempt = 1): void {
    if (this.closing) return;
    const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6));
    this.deps.logger.warn(`subscriber '${this.subscriberId}': its Kafka consumer stopped (${cause.name}: ${cause.message}); rejoining group '${this.deps.groupId}' in ${delay} ms`);
    setTimeout(() => {
      if (this.closing) return;
      void (async () => {
        try {
          await this.consumer.connect();
          await whileTopicsSettle(() => this.consumer.subscribe({ topics: [...this.topics], fromBeginning: true }));
          await this.runConsumer();
        } catch (error) {
          await this.consumer.disconnect().catch(() => undefined);
          this.rejoinAfterCrash(error instanceof Error ? error : new Error(String(error)), attempt + 1);
        }
      })();
    }, delay).unref();
  }

  idle(): boolean {
    return this.inFlight === 0;
  }

  /**
   * Joined while a member of its group; lag: messages in its topics past what
   * the group handled (this member's progress, or the group's committed
   * offsets, whichever is further). Asks the broker, so it rejects while the
   * broker does not answer.
   */
  async status(): Promise<SubscriptionStatus> {
    const handled = await this.groupOffsets();
    let lag = 0;
    for (const topic of this.topics) {
      for (const p of await this.deps.admin.fetchTopicOffsets(topic)) {
        const tp = `${topic}:${p.partition}`;
        lag += Math.max(0, Number(p.high) - Math.max(Number(p.low), this.progress.get(tp) ?? 0, handled.get(tp) ?? 0));
      }
    }
    return { joined: this.member, lag };
  }

  private async groupOffsets(): Promise<Map<string, number>> {
    const committed = await this.deps.admin.fetchOffsets({ groupId: this.deps.groupId, topics: [...this.topics] });
    return new Map(committed.flatMap((t) => t.partitions.map((p): [string, number] => [`${t.topic}:${p.partition}`, Number(p.offset)])));
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
      for (const p of await whileTopicsSettle(() => this.deps.admin.fetchTopicOffsets(topic))) targets.set(`${topic}:${p.partition}`, Number(p.high));
    }
    for (;;) {
      if (this.closing) return;
      let behind = [...targets].filter(([tp, high]) => (this.progress.get(tp) ?? 0) < high);
      if (behind.length > 0) {
        const byTp = await this.groupOffsets();
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
          this.stopListening?.();
          this.deps.onClose();
        }
      })();
    }
    return this.closed;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const tp: string = `${batch.topic}:${batch.partition}`;
    const items: PartitionItem[] = batch.messages.flatMap((message) => {
      const record = { topic: batch.topic, partition: batch.partition, ...message };
      const tram = decodeTramRecord(record);
      const events: Decoded[] = tram ? tram.map((event) => ({ ok: true as const, event })) : decodeRecord(record);
      if (events.length === 0) return [{ offset: message.offset, key: '' }]; // an empty multi-message: nothing to do
      return events.map((decoded) => this.itemFor(batch.topic, message.offset, decoded));
    });
    const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), 1_000);
    this.inFlight++;
    try {
      const control = {
        maxConcurrentKeys: this.deps.options.maxConcurrentAggregates ?? 16,
        resolve: (offset: string) => {
          payload.resolveOffset(offset);
          this.progress.set(tp, Number(offset) + 1);
        },
        shouldStop: () => this.closing || !payload.isRunning() || payload.isStale(),
      };
      const result = this.request.batch ? await this.runInRuns(items, this.request.batch, control) : await runKeyOrderedBatch(items, control);
      await payload.commitOffsetsIfNecessary();
      if (result.failed !== undefined && !this.closing) {
        this.deps.logger.warn(`subscriber '${this.subscriberId}': handling failed at ${tp}; the rest of the batch is delivered again`, {
          error: describeError(result.failed),
        });
        throw result.failed;
      }
    } finally {
      clearInterval(beat);
      this.inFlight--;
    }
  }

  /** One event of a record (a multi-message record holds several, which share its offset). */
  private itemFor(topic: string, offset: string, decoded: Decoded): PartitionItem {
    if (!decoded.ok) {
      const event = decoded.event;
      return { offset, key: aggregateKey(topic, event.aggregateId), run: () => this.park(event, decoded.reason) };
    }
    const event = decoded.event;
    // Another subscriber's type is skipped; a type this process does not know at all goes to `handle`,
    // which parks it naming the type to declare (a rename without an alias must not vanish silently).
    if (this.eventTypes && !this.eventTypes.has(event.eventType) && eventTypes.has(event.eventType)) return { offset, key: '' };
    if (event.position !== undefined && event.position <= this.rebuiltUpTo) return { offset, key: '' };
    const key = aggregateKey(event.aggregateType, event.aggregateId);
    return {
      offset,
      key,
      event,
      run: async () => {
        if (this.handled.isRepeat(key, event)) return;
        if (await this.mustHoldBack(key, event)) await this.holdBack(event);
        else await this.request.handle(event);
        this.handled.record(key, event);
      },
    };
  }

  /**
   * A batching subscriber's share of one partition's batch: its events, in
   * offset order (so in order per aggregate), in runs of at most `maxEvents`;
   * repeats dropped as one by one; an undecodable or held-back message ends
   * the run before it and is parked on its own. Offsets are resolved at the
   * end of each run; a run that fails leaves itself and the rest unresolved.
   */
  private async runInRuns(items: readonly PartitionItem[], batch: EventBatchHandling, control: BatchControl): Promise<{ failed?: unknown; stopped: boolean }> {
    let run: StoredEvent[] = [];
    /** The last event of each aggregate in the run, so that a resend within the batch is a repeat too. */
    let inRun = new HandledVersions();
    let through: string | undefined;
    const flush = async () => {
      if (run.length > 0) {
        await batch.handle(run);
        for (const event of run) this.handled.record(aggregateKey(event.aggregateType, event.aggregateId), event);
        run = [];
        inRun = new HandledVersions();
      }
      if (through !== undefined) control.resolve(through);
      through = undefined;
    };
    try {
      for (const item of items) {
        if (control.shouldStop()) {
          await flush();
          return { stopped: true };
        }
        if (item.run && !item.event) {
          await flush();
          await item.run();
        } else if (item.event && !this.handled.isRepeat(item.key, item.event) && !inRun.isRepeat(item.key, item.event)) {
          if (await this.mustHoldBack(item.key, item.event)) {
            await flush();
            await item.run!();
          } else {
            run.push(item.event);
            inRun.record(item.key, item.event);
          }
        }
        through = item.offset;
        if (run.length >= batch.maxEvents) await flush();
      }
      await flush();
      return { stopped: false };
    } catch (error) {
      return { failed: error, stopped: false };
    }
  }

  private holdBack(event: StoredEvent): Promise<void> {
    return this.request.deadLetters.park({
      subscriberId: this.subscriberId,
      event,
      error: `Held back: an earlier event of ${event.aggregateType} '${event.aggregateId}' is parked. Retry that one first (retryAllParked keeps the order).`,
      attempts: 0,
      parkedAt: new Date(),
    });
  }

  /** Held back while the aggregate has parked events; asks the store again, as they may have been retried since. */
  private async mustHoldBack(key: string, event: StoredEvent): Promise<boolean> {
    if (!this.heldBack?.has(key)) return false;
    const parking = this.request.deadLetters as AggregateParking;
    if (await parking.hasParked(this.subscriberId, event.aggregateType, event.aggregateId)) return true;
    this.heldBack.delete(key);
    return false;
  }

  private async park(event: StoredEvent, reason: string): Promise<void> {
    this.deps.logger.error(`subscriber '${this.subscriberId}' parked an undecodable message`, { reason });
    await this.request.deadLetters.park({ subscriberId: this.subscriberId, event, error: reason, attempts: 0, parkedAt: new Date() });
  }
}
