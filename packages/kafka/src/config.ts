import { KafkaConfigurationError } from './errors';

export const defaultBrokers = ['127.0.0.1:9092'];

/**
 * Brokers from an explicit list or comma-separated string, else from the
 * KAFKA_BROKERS environment variable, else 127.0.0.1:9092.
 */
export function resolveBrokers(brokers?: string | readonly string[]): string[] {
  const given = brokers ?? process.env.KAFKA_BROKERS;
  const list = (typeof given === 'string' ? given.split(',') : [...(given ?? defaultBrokers)])
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (list.length === 0) return [...defaultBrokers];
  for (const broker of list) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) {
      throw new KafkaConfigurationError(`Kafka broker '${broker}' is not host:port (brokers: ${list.join(',')}).`);
    }
  }
  return list;
}
