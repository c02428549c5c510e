import { hostname } from 'node:os';
import { Connection } from 'mysql2/promise';
import { consoleLogger, Logger } from '@eventloom/core';
import { describeError, positiveInteger, PublicationSink, Publisher, PublisherStatus } from '@eventloom/core/spi';
import { MySqlHandle, MySqlSource, openMySql } from '../connection';
import { MySqlConfigError } from '../errors';
import { tableNames, TableNames } from '../schema/table-names';
import { LeaderLock } from './leader-lock';
import { MySqlSequencedEvent, Sequencer } from './sequencer';
import { waitUntilPublished } from './wait-published';

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
 * the MySQL lock (see LeaderLock) sequences and sends, the others wait on the
 * lock. The leader runs a pipeline: while batch N is on its way to the sink,
 * it already sequences batch N+1; once the sink accepted a batch, it is
 * marked published on a pool connection, beside the sequencing. A crash
 * between acceptance and marking makes the next leader resend it, with
 * the same positions, so nothing is lost and consumers recognise the repeats.
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
    this.sink = options.sink;
    this.logger = options.logger ?? consoleLogger;
    this.instanceId = options.instanceId ?? `${hostname()}:${process.pid}`;
    this.mysql = openMySql(options as MySqlSource);
    this.lock = new LeaderLock(() => this.mysql.dedicated(), this.tables.prefix);
    this.sequencer = new Sequencer(this.tables);
  }

  async start(): Promise<void> {
    try {
      await this.mysql.pool.query(`SELECT 1 FROM ${this.tables.events} LIMIT 1`);
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
    return waitUntilPublished(this.mysql.pool, this.tables.events, this.pollIntervalMs);
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

  private async lead(connection: Connection): Promise<void> {
    const lockName = this.lock.name!;
    const state = await this.sequencer.prepare(connection);
    let last = state.lastPosition;
    /** Highest position marked published (marks may land out of order; a resend covers any hole). */
    let marked = state.publishedPosition;
    /** Accepted by the sink, not marked yet: their row ids, and the highest position among them. */
    let ackedIds: number[] = [];
    let acked = marked;
    /** Highest position handed to the sender. */
    let cursor = marked;
    const resendUpTo = last;
    if (resendUpTo > marked) {
      this.logger.info(`publisher ${this.instanceId} resends positions ${marked + 1}..${resendUpTo} (sent, but not marked published)`);
    }
    this.publishedPosition = marked;
    // Sends run one after the other; with at most `maxInFlight` batches queued, sequencing overlaps sending.
    const maxInFlight = 2;
    const inFlight: Array<Promise<void>> = [];
    let sendError: unknown;
    let chain: Promise<void> = Promise.resolve();
    const send = (batch: MySqlSequencedEvent[]) => {
      chain = chain.then(async () => {
        if (sendError) return;
        try {
          await this.sink.send(batch);
          for (const event of batch) ackedIds.push(event.rowId);
          acked = batch[batch.length - 1].position;
          this.publishedCount += batch.length;
        } catch (error) {
          sendError ??= error;
        }
      });
      const done = chain;
      inFlight.push(done);
      void done.then(() => inFlight.splice(inFlight.indexOf(done), 1));
    };
    // Marking runs beside sequencing, on a pool connection, one mark after the other: it is off the
    // critical path. A mark lost in a crash only means a resend; a hole in the marks (a later batch
    // marked, an earlier not) only makes the next leader resend from the first unmarked position.
    let marking: Promise<void> = Promise.resolve();
    const mark = () => {
      if (ackedIds.length === 0) return;
      const ids = ackedIds;
      const upTo = acked;
      ackedIds = [];
      marking = marking.then(async () => {
        try {
          await this.sequencer.markPublished(this.mysql.pool, ids);
          marked = Math.max(marked, upTo);
          this.publishedPosition = marked;
        } catch (error) {
          ackedIds = ids.concat(ackedIds); // tried again with the next mark
          this.logger.warn(`publisher ${this.instanceId} could not mark positions up to ${upTo} published; will try again`, {
            error: describeError(error),
          });
        }
      });
    };
    const step = (batchSize: number, resend?: { after: number; upTo: number }) => {
      mark();
      return this.sequencer.step(connection, lockName, { expectedLast: last, resend, batchSize });
    };
    try {
      while (!this.stopping) {
        if (sendError) throw sendError;
        const resend = cursor < resendUpTo ? { after: cursor, upTo: resendUpTo } : undefined;
        const batch = await step(this.batchSize, resend);
        if (batch.length > 0) {
          cursor = batch[batch.length - 1].position;
          if (!resend) last = cursor;
          send(batch);
          if (inFlight.length >= maxInFlight) await inFlight[0];
        } else if (inFlight.length > 0) {
          await chain;
        } else {
          mark();
          await marking;
          // Idle: poll with one cheap statement (which also checks the lock) until something awaits a position.
          do await this.pause(this.pollIntervalMs);
          while (!this.stopping && !(await this.sequencer.pending(connection, lockName)));
        }
      }
      // Stopping: let the sends finish and record them, so that the next leader need not resend.
      await chain;
      mark();
    } finally {
      await chain;
      await marking;
    }
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
