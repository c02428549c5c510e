import { randomBytes } from 'node:crypto';
import { Kafka, KafkaConfig } from 'kafkajs';
import { consoleLogger, Logger } from '@eventloom/core';
import { sleep } from '@eventloom/core/spi';
import { resolveBrokers } from '../config';
import { Headers, headerText } from '../wire/headers';
import { connectAdmin, createKafka } from '../kafka-client';
import { KafkaTopology } from '../topology';

/** How far a subscriber's consumer group is behind the ends of the topics it committed offsets on. */
export interface ConsumerGroupLag {
  readonly subscriberId: string;
  readonly groupId: string;
  /** Members joined now: 0 when the subscriber runs nowhere. */
  readonly members: number;
  /** Messages after the committed offsets, over every partition. */
  readonly lag: number;
  /** When the oldest message it has not consumed was stored (with `withLagTime`, when the group lags and it could be read). */
  readonly oldestUnconsumedAt?: Date;
  readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly committed: number; readonly end: number }>;
}

export interface ConsumerGroupLagOptions {
  readonly topology: KafkaTopology;
  readonly kafka?: { readonly brokers?: string | readonly string[]; readonly config?: Partial<KafkaConfig> };
  /** The subscribers to look at; without it, every group whose id starts with the topology's groupIdPrefix and that has offsets on its topics. */
  readonly subscriberIds?: readonly string[];
  /**
   * Also read the first unconsumed message of each lagging partition (with a
   * throwaway consumer that commits nothing) for the lag in time; waits at
   * most `lagTimeTimeoutMs` (default 15 000) per lagging group.
   */
  readonly withLagTime?: boolean;
  readonly lagTimeTimeoutMs?: number;
  readonly logger?: Logger;
}

/**
 * The lag of subscribers' consumer groups, read with the admin API (no
 * consumer joins): per partition, the end offset minus the committed one
 * (a partition with no committed offset counts from its first message).
 */
export async function consumerGroupLags(options: ConsumerGroupLagOptions): Promise<ConsumerGroupLag[]> {
  const { topology } = options;
  const brokers = resolveBrokers(options.kafka?.brokers);
  const kafka = createKafka({ brokers, clientId: 'eventloom-status', logger: options.logger ?? consoleLogger, config: options.kafka?.config });
  const admin = await connectAdmin(kafka, brokers);
  try {
    const ids =
      options.subscriberIds ??
      (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((id) => id.startsWith(topology.groupIdPrefix))
        .map((id) => id.slice(topology.groupIdPrefix.length));
    const lags: ConsumerGroupLag[] = [];
    for (const subscriberId of [...ids].sort()) {
      const groupId = topology.groupIdOf(subscriberId);
      const committed = (await admin.fetchOffsets({ groupId })).filter((t) => t.topic.startsWith(topology.topicPrefix));
      if (committed.length === 0 && options.subscriberIds === undefined) continue;
      const partitions: Array<ConsumerGroupLag['partitions'][number]> = [];
      for (const { topic, partitions: offsets } of committed) {
        const ends = await admin.fetchTopicOffsets(topic);
        for (const end of ends) {
          const at = Number(offsets.find((o) => o.partition === end.partition)?.offset ?? -1);
          partitions.push({ topic, partition: end.partition, committed: at < 0 ? Number(end.low) : at, end: Number(end.high) });
        }
      }
      const { groups } = await admin.describeGroups([groupId]);
      const lagging = partitions.filter((p) => p.end > p.committed);
      lags.push({
        subscriberId,
        groupId,
        members: groups[0]?.members.length ?? 0,
        lag: lagging.reduce((sum, p) => sum + (p.end - p.committed), 0),
        oldestUnconsumedAt: options.withLagTime && lagging.length > 0 ? await oldestUnconsumed(kafka, lagging, options.lagTimeTimeoutMs ?? 15_000) : undefined,
        partitions,
      });
    }
    return lags;
  } finally {
    await admin.disconnect();
  }
}

/**
 * The stored time (header eventloom-timestamp, else the message's own) of the
 * earliest first-unconsumed message among `lagging` partitions, read by a
 * consumer of its own group that seeks to the committed offsets and commits nothing.
 */
async function oldestUnconsumed(
  kafka: Kafka,
  lagging: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly committed: number }>,
  timeoutMs: number,
): Promise<Date | undefined> {
  const consumer = kafka.consumer({ groupId: `eventloom-status-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 200 });
  const wanted = new Map(lagging.map((p) => [`${p.topic}/${p.partition}`, p.committed]));
  const found = new Map<string, number>();
  let allFound: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allFound = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(lagging.map((p) => p.topic))], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}/${batch.partition}`;
        const committed = wanted.get(key);
        if (committed === undefined || found.has(key)) return;
        const first = batch.messages.find((m) => Number(m.offset) >= committed);
        if (!first) return;
        const stored = headerText(first.headers, Headers.timestamp);
        found.set(key, stored && !Number.isNaN(Date.parse(stored)) ? Date.parse(stored) : Number(first.timestamp));
        if (found.size === wanted.size) allFound();
      },
    });
    for (const p of lagging) consumer.seek({ topic: p.topic, partition: p.partition, offset: String(p.committed) });
    await Promise.race([done, sleep(timeoutMs)]);
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return found.size === 0 ? undefined : new Date(Math.min(...found.values()));
}
