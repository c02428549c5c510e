import { positiveInteger } from '@eventloom/core/spi';
import { KafkaConfigurationError } from './errors';
import { defaultTopicPrefix, topicFor } from './topics';

/** The settings that decide where events go in Kafka and who reads them; the publisher, the transport and the rebuild must agree on them. */
export interface KafkaTopologyOptions {
  /** Prefix of the topics, one per aggregate type (default 'eventloom.'; '' for none). */
  readonly topicPrefix?: string;
  /** Consumer group id = this prefix + subscriber id (default none). */
  readonly groupIdPrefix?: string;
  /** Partitions of the topics Eventloom creates when they are missing (default 4). */
  readonly partitions?: number;
}

/** The topology, with its defaults applied and checked: one place computes topics and group ids. */
export interface KafkaTopology {
  readonly topicPrefix: string;
  readonly groupIdPrefix: string;
  readonly partitions: number;
  /** The topic an aggregate type is published to. */
  topicOf(aggregateType: string): string;
  /** The consumer group of a subscriber. */
  groupIdOf(subscriberId: string): string;
}

export const defaultPartitions = 4;

export function kafkaTopology(options: KafkaTopologyOptions = {}): KafkaTopology {
  const topicPrefix = options.topicPrefix ?? defaultTopicPrefix;
  topicFor('check', topicPrefix); // refuses an illegal prefix now, not at the first event
  const groupIdPrefix = options.groupIdPrefix ?? '';
  const partitions = positiveInteger('partitions', options.partitions ?? defaultPartitions, KafkaConfigurationError);
  return Object.freeze({
    topicPrefix,
    groupIdPrefix,
    partitions,
    topicOf: (aggregateType: string) => topicFor(aggregateType, topicPrefix),
    groupIdOf: (subscriberId: string) => groupIdPrefix + subscriberId,
  });
}

/**
 * The topology of a component's options: the one it was given (e.g. a
 * transport's, for a rebuild that hands over to it), or one built from the
 * separate settings. Both at once is refused, as they could disagree.
 */
export function topologyOf(options: KafkaTopologyOptions & { readonly topology?: KafkaTopology }, component: string): KafkaTopology {
  if (!options.topology) return kafkaTopology(options);
  const separate = (['topicPrefix', 'groupIdPrefix', 'partitions'] as const).filter((name) => options[name] !== undefined);
  if (separate.length > 0) {
    throw new KafkaConfigurationError(`${component}: give either topology or ${separate.join(', ')}, not both (they could disagree).`);
  }
  return options.topology;
}
