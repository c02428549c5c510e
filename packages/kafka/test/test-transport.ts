import { silentLogger } from '@eventloom/core';
import { KafkaTransport, KafkaTransportOptions } from '../src/consumer/kafka-transport';

/**
 * A KafkaTransport as the tests use it: consumer groups under the test's own
 * topic prefix (no test joins another's group), no log output, and a group
 * that notices members joining and leaving within seconds, not Kafka's default half minute.
 */
export function testTransport(options: KafkaTransportOptions & { readonly topicPrefix: string }): KafkaTransport {
  return new KafkaTransport({
    groupIdPrefix: options.topicPrefix,
    logger: silentLogger,
    consumer: { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 3_000 },
    ...options,
  });
}
