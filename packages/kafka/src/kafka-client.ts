import { Admin, Kafka, KafkaConfig, logLevel, LogEntry } from 'kafkajs';
import { consoleLogger, Logger } from '@eventloom/core';
import { BrokerUnreachableError } from './errors';

export interface KafkaClientOptions {
  readonly brokers: string[];
  readonly clientId?: string;
  readonly logger?: Logger;
  /** Extra kafkajs settings (ssl, sasl, timeouts...). */
  readonly config?: Partial<KafkaConfig>;
}

/** A kafkajs client that logs only warnings and errors, through the Eventloom logger. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const logger = options.logger ?? consoleLogger;
  return new Kafka({
    clientId: options.clientId ?? 'eventloom',
    brokers: options.brokers,
    connectionTimeout: 3_000,
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, timestamp: _t, logger: _l, stack: _s, ...details } = entry.log as LogEntry['log'] & Record<string, unknown>;
      // The publisher bounds its producer's retries on purpose (a stuck send must fail over, not hang);
      // exactly-once is not what it relies on: consumers drop repeats by version and position.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      const text = `kafkajs ${entry.namespace}: ${message}`;
      if (entry.level === logLevel.ERROR) logger.error(text, details);
      else if (entry.level === logLevel.WARN) logger.warn(text, details);
    },
    ...options.config,
  });
}

/** Connects an admin client, turning "no broker answered" into an error that names the brokers. */
export async function connectAdmin(kafka: Kafka, brokers: readonly string[]): Promise<Admin> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw unreachable(error, brokers);
  }
  return admin;
}

/** Wraps kafkajs connection errors (KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded...) to name the brokers. */
export function unreachable(error: unknown, brokers: readonly string[]): unknown {
  const name = error instanceof Error ? error.name : '';
  if (/Connection|NumberOfRetriesExceeded|BrokerNotFound|NonRetriableError/.test(name) || /ECONNREFUSED|ETIMEDOUT|ENOTFOUND/.test(String(error))) {
    return new BrokerUnreachableError(brokers, error);
  }
  return error;
}
