import { Eventloom, Logger, consoleLogger } from '@eventloom/core';
import { createDatabaseIfMissing, migrate, MySqlEventStore, mysqlViews, MySqlViews } from '@eventloom/mysql';
import { KafkaTransport, MySqlDeadLetterStore, startPublisher } from '@eventloom/kafka';

export interface MySqlKafkaRuntime {
  readonly eventloom: Eventloom;
  readonly store: MySqlEventStore;
  readonly views: MySqlViews;
  close(): Promise<void>;
}

export interface MySqlKafkaOptions {
  /** This service's private database, e.g. mysql://root@127.0.0.1:3306/orders. */
  readonly mysqlUrl: string;
  /** host:port,... (default $KAFKA_BROKERS or 127.0.0.1:9092). */
  readonly brokers?: string;
  /** Prefixes consumer group ids, so that separate runs of the example do not share groups. */
  readonly groupIdPrefix?: string;
  readonly topicPrefix?: string;
  readonly logger?: Logger;
}

/**
 * One service on real back ends: its events in its own MySQL database (the
 * source of truth), a publisher in process that moves them to Kafka, and its
 * subscribers fed from Kafka. Creates the database and schema when missing.
 */
export async function mysqlKafkaRuntime(options: MySqlKafkaOptions): Promise<MySqlKafkaRuntime> {
  const logger = options.logger ?? consoleLogger;
  await createDatabaseIfMissing(options.mysqlUrl);
  await migrate(options.mysqlUrl);
  const store = new MySqlEventStore({ url: options.mysqlUrl });
  await store.ready();
  const publisher = await startPublisher({ pool: store.pool, kafka: { brokers: options.brokers }, topicPrefix: options.topicPrefix, logger });
  const deadLetters = await new MySqlDeadLetterStore({ pool: store.pool }).init();
  const transport = new KafkaTransport({
    brokers: options.brokers,
    topicPrefix: options.topicPrefix,
    groupIdPrefix: options.groupIdPrefix,
    deadLetters,
    publication: publisher,
    logger,
  });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters, logger });
  return {
    eventloom,
    store,
    views: mysqlViews(store),
    async close() {
      // The publisher and the subscriptions share the store's pool: stop them before it closes.
      await publisher.stop();
      await eventloom.close();
    },
  };
}
