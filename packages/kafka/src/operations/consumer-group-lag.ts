import { KafkaConfig } from 'kafkajs';
import { consoleLogger, Logger } from '@eventloom/core';
import { resolveBrokers } from '../config';
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
  readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number; readonly committed: number; readonly end: number }>;
}

export interface ConsumerGroupLagOptions {
  readonly topology: KafkaTopology;
  readonly kafka?: { readonly brokers?: string | readonly string[]; readonly config?: Partial<KafkaConfig> };
  /** The subscribers to look at; without it, every group whose id starts with the topology's groupIdPrefix and that has offsets on its topics. */
  readonly subscriberIds?: readonly string[];
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
      lags.push({
        subscriberId,
        groupId,
        members: groups[0]?.members.length ?? 0,
        lag: partitions.reduce((sum, p) => sum + Math.max(0, p.end - p.committed), 0),
        partitions,
      });
    }
    return lags;
  } finally {
    await admin.disconnect();
  }
}
