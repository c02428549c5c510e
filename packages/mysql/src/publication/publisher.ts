import { hostname } from 'node:os';
import { Connection, RowDataPacket } from 'mysql2/promise';
import { consoleLogger, Logger } from '@eventloom/core';
import { describeError, Instrumentation, positiveInteger, PublicationSink, Publisher, PublisherStatus } from '@eventloom/core/spi';
import { MySqlHandle, MySqlSource, openMySql } from '../connection';
import { MySqlConfigError } from '../errors';
import { tableNames, TableNames } from '../schema/table-names';
import { LeaderLock, publisherLockHeld } from './leader-lock';
import { serveLeaderTerm } from './leader-term';
import { MySqlSequencedEvent, Sequencer } from './sequencer';
import { waitUntilPublished } from './wait-published';
import { unpublishedCount } from './publication-status';
import { publishedPositionOf, publishedPositionQuery } from './published-position';

export type MySqlPublisherOptions = MySqlSource & {
  /** Where sequenced events go: a broker (e.g. @eventloom/kafka's KafkaSink) or inProcessSink(). */
  readonly sink: PublicationSink<MySqlSequencedEvent>;
  /** Prefix of the Eventloom tables (default none). */
  readonly tablePrefix?: string;
  /** Events sequenced and sent per step (default 5000). */
  readonly batchSize?: number;
  /** Pause between polls when there is nothing to publish, ms (default 25). */
  readonly pollIntervalMs?: number;
  /** How long a follower waits on the lock per try, seconds (default 1): the takeover delay after the leader dies. */
  readonly lockWaitSeconds?: number;
  readonly logger?: Logger;
  /** Names this instance in logs (default host:pid). */
  readonly instanceId?: string;
  /** Told of every batch sent to the sink (its size and time: @eventloom/prometheus; a publish span: @eventloom/opentelemetry). */
  readonly instrumentation?: Instrumentation;
};

/**
 * Starts a publisher in this process: whenever it holds the lock, it gives
 * stored events their gap-free positions, hands them to the sink, and marks
 * them published once the sink accepted them. The sink is started here and
 * stopped by the publisher's stop().
 */
export async function startPublisher(options: MySqlPublisherOptions): Promise<Publisher> {
  const publisher = new PublisherLoop(options);
  await publisher.start();
  return publisher;
}

/**
 * The publisher: storing is publishing. Any number may run; the one holding
 * the MySQL lock (see LeaderLock) sequences and sends (serveLeaderTerm), the
 * others wait on the lock. A term that fails (lock lost, MySQL or the sink
 * gone) ends; the publisher drops the connection, backs off and tries for
 * the lock again. A crash between acceptance and marking makes the next
 * leader resend, with the same positions, so nothing is lost and consumers
 * recognise the repeats.
 */
class PublisherLoop implements Publisher {
  private readonly tables: TableNames;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lockWaitSeconds: number;
  private readonly logger: Logger;
  private readonly instanceId: string;
  private readonly sink: PublicationSink<MySqlSequencedEvent>;
  private readonly mysql: MySqlHandle;
  private readonly lock: LeaderLock;
  private readonly sequencer: Sequencer;
  private sinkStarted = false;
  private stopping = false;
  private running?: Promise<void>;
  private stopped?: Promise<void>;
  private wake?: () => void;
  private leader = false;
  private publishedPosition = 0;
  private publishedCount = 0;

  constructor(options: MySqlPublisherOptions) {
    this.tables = tableNames(options.tablePrefix);
    this.batchSize = positiveInteger('batchSize', options.batchSize ?? 5000, MySqlConfigError);
    this.pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs ?? 25, MySqlConfigError);
    this.lockWaitSeconds = positiveInteger('lockWaitSeconds', options.lockWaitSeconds ?? 1, MySqlConfigError);
    if (!options.mysqlUrl && !options.pool) throw new MySqlConfigError('startPublisher needs mysqlUrl or pool.');
    if (!options.sink) throw new MySqlConfigError('startPublisher needs a sink (e.g. inProcessSink()).');
    this.sink = observedSink(options.sink, options.instrumentation);
    this.logger = options.logger ?? consoleLogger;
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}`;
    this.mysql = openMySql(options as MySqlSource);
    this.lock = new LeaderLock(() => this.mysql.dedicated(), this.tables.prefix);
    this.sequencer = new Sequencer(this.tables);
  }

  async start(): Promise<void> {
    try {
      await this.mysql.pool.query(`SELECT 1 FROM ${this.tables.events} LIMIT 1`);
      // Schema 7's published position: without it a leader could only fail, term after term.
      const [[mark]] = await this.mysql.pool.query<RowDataPacket[]>(publishedPositionQuery(this.tables));
      publishedPositionOf(mark?.published_position, this.tables);
    } catch (error) {
      await this.mysql.close();
      throw new MySqlConfigError(
        `The publisher cannot read ${this.tables.events}: ${describeError(error)}. Check the MySQL URL and run the migrations first.`,
        { cause: error },
      );
    }
    try {
      await this.sink.start();
      this.sinkStarted = true;
    } catch (error) {
      await this.mysql.close();
      throw error;
    }
    this.running = this.run();
  }

  status(): PublisherStatus {
    return { leader: this.leader, publishedPosition: this.publishedPosition, publishedCount: this.publishedCount };
  }

  published(): Promise<void> {
    return waitUntilPublished(this.mysql.pool, this.tables, this.pollIntervalMs);
  }

  async hasLeader(): Promise<boolean> {
    return this.leader || publisherLockHeld(this.mysql.pool, this.tables.prefix);
  }

  backlog(): Promise<number> {
    return unpublishedCount(this.mysql.pool, this.tables);
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.wake?.();
      await this.running;
      await this.lock.release();
      if (this.sinkStarted) await this.sink.stop().catch((error: unknown) => this.logger.warn(`publisher ${this.instanceId}: the sink did not stop cleanly`, { error: describeError(error) }));
      await this.mysql.close();
    })();
    return this.stopped;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let connection: Connection | undefined;
      try {
        connection = await this.lock.acquire(this.lockWaitSeconds);
      } catch (error) {
        this.logger.warn(`publisher ${this.instanceId}: cannot reach MySQL for the publisher lock`, { error: describeError(error) });
        await this.pause(Math.min(5_000, 250 * 2 ** failures++));
        continue;
      }
      if (!connection) continue; // another instance leads; GET_LOCK waited lockWaitSeconds
      this.leader = true;
      this.logger.info(`publisher ${this.instanceId} leads (lock ${this.lock.name})`);
      const began = Date.now();
      try {
        await this.lead(connection);
      } catch (error) {
        if (!this.stopping) {
          this.logger.warn(`publisher ${this.instanceId} stops leading`, { error: describeError(error) });
        }
      } finally {
        this.leader = false;
      }
      if (this.stopping) break;
      if (Date.now() - began > 10_000) failures = 0; // led a while: this is a new trouble, retry soon
      // Whatever failed, start afresh: a new connection, a new lock, a resend of what was not marked.
      this.lock.drop();
      await this.pause(Math.min(5_000, 250 * 2 ** failures++));
    }
  }

  private lead(connection: Connection): Promise<void> {
    const lockName = this.lock.name!;
    const sequencer = this.sequencer;
    return serveLeaderTerm({
      sequencing: {
        prepare: () => sequencer.prepare(connection),
        // Rows are read on the pool after each step's commit, beside the next step on the lock connection.
        step: (request) => sequencer.step(connection, lockName, request, this.mysql.pool),
        pending: () => sequencer.pending(connection, lockName),
      },
      sink: this.sink,
      // Marks go through the pool, off the lock connection: they record only what the sink accepted, so any connection may write them.
      markPublished: ({ upTo }) => sequencer.markPublished(this.mysql.pool, upTo),
      batchSize: this.batchSize,
      pollIntervalMs: this.pollIntervalMs,
      progress: {
        published: (position) => (this.publishedPosition = position),
        accepted: (count) => (this.publishedCount += count),
      },
      logger: this.logger,
      instanceId: this.instanceId,
      stopping: () => this.stopping,
      pause: (ms) => this.pause(ms),
    });
  }

  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** The sink, its sends wrapped in the instrumentation's publish hook when there is one. */
function observedSink<E extends MySqlSequencedEvent>(sink: PublicationSink<E>, instrumentation?: Instrumentation): PublicationSink<E> {
  const publish = instrumentation?.publish;
  if (!publish) return sink;
  return {
    start: () => sink.start(),
    send: (events) => publish({ events }, () => sink.send(events)),
    stop: () => sink.stop(),
  };
}
