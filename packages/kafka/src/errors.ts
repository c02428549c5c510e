import { ConfigurationError, EventloomError } from '@eventloom/core';
import { describeError } from '@eventloom/core/spi';

/** No broker of the list answered. */
export class BrokerUnreachableError extends EventloomError {
  override readonly retriable = true;

  constructor(
    readonly brokers: readonly string[],
    cause?: unknown,
  ) {
    super(
      `Kafka is unreachable at ${brokers.join(', ')}: ${describeError(cause)}. ` +
        'Check that a broker runs there (KAFKA_BROKERS=host:port,...), e.g. `bash scripts/kafka.sh ensure`.',
      { cause },
    );
  }
}

/** A topic name (prefix + aggregate type) Kafka would refuse. */
export class InvalidTopicNameError extends EventloomError {
  constructor(
    readonly topic: string,
    reason: string,
  ) {
    super(`'${topic}' cannot be a Kafka topic name: ${reason}.`);
  }
}

/** A subscription's consumer group was not joined in time (a slow rebalance, a broker under load): try again. */
export class GroupJoinTimeoutError extends EventloomError {
  override readonly retriable = true;

  constructor(
    readonly subscriberId: string,
    readonly groupId: string,
    timeoutMs: number,
  ) {
    super(`Subscriber '${subscriberId}' did not join consumer group '${groupId}' within ${timeoutMs} ms; subscribe again, or raise joinTimeoutMs.`);
  }
}

/** A setting given to the publisher, transport or CLI that cannot work. */
export class KafkaConfigurationError extends ConfigurationError {}
