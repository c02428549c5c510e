import { Eventloom, Logger, consoleLogger, instrumentations } from '@eventloom/core';
import { EventTransport } from '@eventloom/core/spi';
import { createDatabaseIfMissing, migrate, MySqlDeadLetterStore, MySqlEventStore, mysqlInProcessTransport, mysqlViews, MySqlViews } from '@eventloom/mysql';
import { KafkaTransport, startPublisher, TopicNaming } from '@eventloom/kafka';
import { EventloomMetrics } from '@eventloom/prometheus';
import { EventloomTracing } from '@eventloom/opentelemetry';

export interface MySqlRuntime {
  readonly eventloom: Eventloom;
  readonly store: MySqlEventStore;
  readonly views: MySqlViews;
  /** 'kafka' when events travel through a broker, 'in-process' when subscribers read the events table directly. */
  readonly delivery: 'kafka' | 'in-process';
  /** The service's metrics: its Eventloom's and its publisher's (serve them with metricsRoutes). */
  readonly metrics: EventloomMetrics;
  /** Where the runtime logs; hand it to what runs beside it (messaging). */
  readonly logger: Logger;
  close(): Promise<void>;
}

export interface MySqlRuntimeOptions {
  /** This service's private database, e.g. mysql://root@127.0.0.1:3306/orders. */
  readonly mysqlUrl: string;
  /** host:port,...: deliver through Kafka. Without it, events are delivered in process. */
  readonly brokers?: string;
  /** Prefixes consumer group ids, so that separate runs do not share groups. */
  readonly groupIdPrefix?: string;
  readonly topicPrefix?: string;
  /** 'eventuate': topics an Eventuate Java service reads (the aggregate type, no prefix). */
  readonly topicNaming?: TopicNaming;
  readonly logger?: Logger;
}

/**
 * One service on MySQL: its events in its own database (the source of truth,
 * created with its schema when missing), a publisher in process that gives
 * them their positions, and its subscribers fed either from Kafka (when
 * brokers are given) or straight from the events table.
 */
export async function mysqlRuntime(options: MySqlRuntimeOptions): Promise<MySqlRuntime> {
  const logger = options.logger ?? consoleLogger;
  const metrics = new EventloomMetrics();
  // Traces go to whatever OpenTelemetry SDK the process registered (none: they cost next to nothing).
  const instrumentation = instrumentations(metrics, new EventloomTracing());
  await createDatabaseIfMissing(options.mysqlUrl);
  await migrate(options.mysqlUrl);
  const store = new MySqlEventStore({ url: options.mysqlUrl });
  await store.ready();
  // Parked events stay in the service's own database, whichever way events travel.
  const deadLetters = await MySqlDeadLetterStore.of(store).ready();
  let transport: EventTransport;
  let stopPublisher: () => Promise<void>;
  if (options.brokers) {
    const publisher = await startPublisher({ pool: store.pool, kafka: { brokers: options.brokers }, topicPrefix: options.topicPrefix, topicNaming: options.topicNaming, logger, instrumentation });
    transport = new KafkaTransport({
      brokers: options.brokers,
      topicPrefix: options.topicPrefix,
      topicNaming: options.topicNaming,
      groupIdPrefix: options.groupIdPrefix,
      publication: publisher,
      logger,
    });
    stopPublisher = () => publisher.stop();
  } else {
    // Its transport stops its publisher when Eventloom closes it.
    transport = (await mysqlInProcessTransport(store, { logger, instrumentation })).transport;
    stopPublisher = async () => {};
  }
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters, logger, instrumentation });
  metrics.watch(eventloom);
  return {
    eventloom,
    store,
    views: mysqlViews(store),
    delivery: options.brokers ? 'kafka' : 'in-process',
    metrics,
    logger,
    async close() {
      // The publisher and the subscriptions share the store's pool: stop them before it closes.
      await stopPublisher();
      await eventloom.close();
    },
  };
}
