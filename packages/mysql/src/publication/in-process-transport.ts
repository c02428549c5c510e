import { Logger } from '@eventloom/core';
import { Instrumentation, PublicationLog, PublicationLogTransport, PublicationLogTransportOptions, Publisher } from '@eventloom/core/spi';
import { MySqlEventStore } from '../mysql-event-store';
import { MySqlCheckpointStore } from '../subscriptions/mysql-checkpoint-store';
import { inProcessSink } from './in-process-sink';
import { MySqlPublicationLog } from './mysql-publication-log';
import { startPublisher } from './publisher';

export interface MySqlInProcessTransportOptions {
  /** Publisher and subscription poll interval when idle, ms (default 25 for the publisher, 20 for subscriptions). */
  readonly pollIntervalMs?: number;
  /** Events sequenced per publisher step and read per subscription query (defaults 5000 and 1000). */
  readonly batchSize?: number;
  /** Subscription checkpoints are saved at most this often, ms (default 100); and always on close. */
  readonly checkpointIntervalMs?: number;
  /** How long a publisher that does not lead waits on the lock per try, seconds (default 1). */
  readonly lockWaitSeconds?: number;
  readonly logger?: Logger;
  /** Names this publisher instance in logs (default host:pid). */
  readonly instanceId?: string;
  /** Told of every batch the publisher sequences (metrics, a publish span). */
  readonly instrumentation?: Instrumentation;
}

export interface MySqlInProcessTransport {
  /** The EventTransport to give to Eventloom. Its close() (Eventloom.close() calls it) also stops the publisher. */
  readonly transport: PublicationLogTransport;
  /** The in-process publisher (sequences stored events; inProcessSink). */
  readonly publisher: Publisher;
  readonly log: MySqlPublicationLog;
  readonly checkpoints: MySqlCheckpointStore;
}

/** A PublicationLogTransport that stops its publisher when closed, before Eventloom closes the store. */
class InProcessTransport extends PublicationLogTransport {
  private closing?: Promise<void>;

  constructor(
    options: PublicationLogTransportOptions,
    readonly publisher: Publisher,
  ) {
    super(options);
  }

  override close(): Promise<void> {
    this.closing ??= (async () => {
      await super.close();
      await this.publisher.stop();
    })();
    return this.closing;
  }
}

/**
 * Broker-less delivery for a service on MySQL: starts a publisher with
 * inProcessSink() on the store's pool (the single sequencer, under the MySQL
 * lock, so any number of processes may do this), and returns a
 * PublicationLogTransport that reads the store by position, with checkpoints
 * in the store's `subscriber_positions` table. The transport's caughtUp()
 * first waits until the publisher sequenced everything stored before the call.
 *
 * ```ts
 * const { transport } = await mysqlInProcessTransport(store);
 * const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store) }); // close() stops the publisher
 * ```
 */
export async function mysqlInProcessTransport(
  store: MySqlEventStore,
  options: MySqlInProcessTransportOptions = {},
): Promise<MySqlInProcessTransport> {
  const publisher = await startPublisher({
    pool: store.pool,
    tablePrefix: store.tables.prefix,
    sink: inProcessSink(),
    pollIntervalMs: options.pollIntervalMs,
    batchSize: options.batchSize,
    lockWaitSeconds: options.lockWaitSeconds,
    logger: options.logger,
    instanceId: options.instanceId,
    instrumentation: options.instrumentation,
  });
  const log = MySqlPublicationLog.of(store, { pollIntervalMs: options.pollIntervalMs });
  const checkpoints = new MySqlCheckpointStore(store.pool, store.tables.prefix);
  // caughtUp() asks the log for its last position: count what is stored but not sequenced yet too.
  const publication: PublicationLog = {
    readPublished: (after: number, limit: number) => log.readPublished(after, limit),
    lastPosition: async () => {
      await publisher.published();
      return log.lastPosition();
    },
  };
  const transport = new InProcessTransport(
    {
      log: publication,
      checkpoints,
      pollIntervalMs: options.pollIntervalMs,
      batchSize: options.batchSize === undefined ? undefined : Math.min(options.batchSize, 1000),
      checkpointIntervalMs: options.checkpointIntervalMs,
      logger: options.logger,
    },
    publisher,
  );
  return { transport, publisher, log, checkpoints };
}
