import { positiveInteger } from '@eventloom/core/spi';
import { KafkaConfigurationError } from './errors';
import { wireNames } from '@eventloom/core/spi';
import { defaultTopicPrefix, eventuateTopicFor, topicFor } from './topics';

/** The settings that decide where events go in Kafka and who reads them; the publisher, the transport and the rebuild must agree on them. */
/**
 * How an aggregate type names its topic. 'eventloom' (the default): topic
 * prefix + aggregate type. 'eventuate': the aggregate type's wire name with
 * Eventuate's cleaning and no prefix, the topic Eventuate's Java subscribers
 * read (EventuateKafkaAggregateSubscriptions) and its CDC writes.
 */
export type TopicNaming = 'eventloom' | 'eventuate';

export interface KafkaTopologyOptions {
  /** Prefix of the topics, one per aggregate type (default 'eventloom.'; '' for none). Not with topicNaming 'eventuate'. */
  readonly topicPrefix?: string;
  /** Default 'eventloom'; 'eventuate' to share topics with Eventuate services. */
  readonly topicNaming?: TopicNaming;
  /** Consumer group id = this prefix + subscriber id (default none). */
  readonly groupIdPrefix?: string;
  /** Partitions of the topics Eventloom creates when they are missing (default 4). */
  readonly partitions?: number;
}

/** The topology, with its defaults applied and checked: one place computes topics and group ids. */
export interface KafkaTopology {
  readonly topicNaming: TopicNaming;
  /** '' with topicNaming 'eventuate'. */
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
  const topicNaming = options.topicNaming ?? 'eventloom';
  if (topicNaming !== 'eventloom' && topicNaming !== 'eventuate') {
    throw new KafkaConfigurationError(`topicNaming '${String(topicNaming)}' is neither 'eventloom' nor 'eventuate'.`);
  }
  if (topicNaming === 'eventuate' && options.topicPrefix) {
    throw new KafkaConfigurationError(
      `topicNaming 'eventuate' takes no topicPrefix (given '${options.topicPrefix}'): Eventuate reads the topic named after the entity type alone.`,
    );
  }
  const topicPrefix = topicNaming === 'eventuate' ? '' : (options.topicPrefix ?? defaultTopicPrefix);
  topicFor('check', topicPrefix); // refuses an illegal prefix now, not at the first event
  const groupIdPrefix = options.groupIdPrefix ?? '';
  const partitions = positiveInteger('partitions', options.partitions ?? defaultPartitions, KafkaConfigurationError);
  return Object.freeze({
    topicNaming,
    topicPrefix,
    groupIdPrefix,
    partitions,
    topicOf: (aggregateType: string) =>
      topicNaming === 'eventuate' ? eventuateTopicFor(wireNames.aggregateOnWire(aggregateType)) : topicFor(aggregateType, topicPrefix),
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
  const separate = (['topicPrefix', 'topicNaming', 'groupIdPrefix', 'partitions'] as const).filter((name) => options[name] !== undefined);
  if (separate.length > 0) {
    throw new KafkaConfigurationError(`${component}: give either topology or ${separate.join(', ')}, not both (they could disagree).`);
  }
  return options.topology;
}
