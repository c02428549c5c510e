import { Logger } from '@eventloom/core';
import { Instrumentation, Publisher } from '@eventloom/core/spi';
import { MySqlConfigError, MySqlSource, startPublisher as startMySqlPublisher } from '@eventloom/mysql';
import { KafkaConfigurationError } from '../errors';
import { KafkaSink } from './kafka-sink';
import { KafkaTopology, TopicNaming } from '../topology';

export type PublisherOptions = MySqlSource & {
  readonly kafka?: { readonly brokers?: string | readonly string[]; readonly clientId?: string };
  /** Prefix of the Eventloom tables (default none). */
  readonly tablePrefix?: string;
  /** Prefix of the topics, one per aggregate type (default 'eventloom.'; '' for none). */
  readonly topicPrefix?: string;
  /** 'eventuate' for Eventuate's topics (see kafkaTopology); default 'eventloom'. */
  readonly topicNaming?: TopicNaming;
  /** Partitions of topics the publisher creates (default 4). */
  readonly partitions?: number;
  /** Instead of topicPrefix and partitions: the topology the transports use (kafkaTopology()). */
  readonly topology?: KafkaTopology;
  /** Events sequenced and sent per step (default 5000). */
  readonly batchSize?: number;
  /** Pause between polls when there is nothing to publish, ms (default 25). */
  readonly pollIntervalMs?: number;
  /** How long a follower waits on the lock per try, seconds (default 1): the takeover delay after the leader dies. */
  readonly lockWaitSeconds?: number;
  /** Upper bound of one produce request, bytes (default 900 000, under Kafka's 1 MiB). */
  readonly maxRequestBytes?: number;
  readonly logger?: Logger;
  /** Names this instance in logs (default host:pid). */
  readonly instanceId?: string;
  /** Told of every batch sent to Kafka (metrics, a publish span). */
  readonly instrumentation?: Instrumentation;
};

/**
 * Starts a publisher to Kafka in this process: @eventloom/mysql's publisher
 * (the single sequencer, under the MySQL lock) with a KafkaSink. Events are
 * marked published once Kafka acknowledged them.
 */
export async function startPublisher(options: PublisherOptions): Promise<Publisher> {
  const { kafka, topicPrefix, topicNaming, partitions, topology, maxRequestBytes, ...mysql } = options;
  const sink = new KafkaSink({ kafka, topicPrefix, topicNaming, partitions, topology, maxRequestBytes, logger: options.logger });
  try {
    return await startMySqlPublisher({ ...(mysql as MySqlSource), sink });
  } catch (error) {
    // Settings and an unreadable events table keep the error type this package always threw.
    if (error instanceof MySqlConfigError) throw new KafkaConfigurationError(error.message, { cause: error });
    throw error;
  }
}
