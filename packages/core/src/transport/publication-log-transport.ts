import { PublicationLog } from '../publication/publication-log';
import { DuplicateSubscriberError } from '../errors';
import { sleep } from '../runtime/backoff';
import { consoleLogger, Logger } from '../runtime/logger';
import { AggregateQueues } from './aggregate-queues';
import { CheckpointStore } from './checkpoints';
import { EventTransport, Subscription, SubscriptionRequest, SubscriptionStatus } from './event-transport';

export interface PublicationLogTransportOptions {
  readonly log: PublicationLog;
  readonly checkpoints: CheckpointStore;
  /** Pause between reads when the log has nothing new and cannot be watched, ms (default 20). */
  readonly pollIntervalMs?: number;
  /** Events read per query (default 1000). */
  readonly batchSize?: number;
  /** Events dispatched but not yet handled, per subscription, before reading pauses (default 5000). */
  readonly maxInFlight?: number;
  /** Checkpoints are saved at most this often, ms (default 100); and always on close. */
  readonly checkpointIntervalMs?: number;
  readonly logger?: Logger;
}

/**
 * Delivers the publication (events in global position order) to subscribers
 * in this process, with no broker: each subscription reads the log from its
 * checkpoint, runs aggregates concurrently and each aggregate in order, and
 * saves as checkpoint the highest position below which everything is handled.
 * A crash therefore redelivers, never skips. A subscriber that handles runs
 * of events (`request.batch`) gets them in position order, up to its
 * `maxEvents` per run.
 */
export class PublicationLogTransport implements EventTransport {
  private readonly active = new Map<string, Promise<LogSubscription>>();

  constructor(private readonly options: PublicationLogTransportOptions) {}

  async subscribe(request: SubscriptionRequest): Promise<Subscription> {
    if (this.active.has(request.subscriberId)) throw new DuplicateSubscriberError(request.subscriberId);
    // Claim the id before the first await, so that a concurrent subscribe with it is refused.
    const claim = new Promise<LogSubscription>((resolve, reject) => {
      this.options.checkpoints.load(request.subscriberId).then((start) => {
        const subscription = new LogSubscription(request, start, this.options, () => {
          if (this.active.get(request.subscriberId) === claim) this.active.delete(request.subscriberId);
        });
        subscription.start();
        resolve(subscription);
      }, reject);
    });
    this.active.set(request.subscriberId, claim);
    try {
      return await claim;
    } catch (error) {
      this.active.delete(request.subscriberId);
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.active.values()].map(async (claim) => (await claim.catch(() => undefined))?.close()));
  }
}

class LogSubscription implements Subscription {
  readonly subscriberId: string;
  private readonly queues: AggregateQueues;
  private readonly eventTypes?: Set<string>;
  private readonly aggregateTypes: Set<string>;
  private readonly logger: Logger;
  private cursor: number;
  private saved: number;
  private closed = false;
  /** Set by the log's watch when new events may be readable; cleared before each read, so no wake-up is lost. */
  private woken = false;
  private wake?: () => void;
  private unwatch?: () => void;
  private readonly caughtUpWaiters: Array<{ target: number; resolve: () => void }> = [];
  private loop?: Promise<void>;
  private saving?: Promise<void>;
  private lastSave = 0;
  private saveTimer?: NodeJS.Timeout;
  /** Set once a read of the log succeeded (the subscription has joined the publication). */
  private reading = false;
  /** Why reading fails, while it does. */
  private readProblem?: string;

  constructor(
    private readonly request: SubscriptionRequest,
    start: number,
    private readonly options: PublicationLogTransportOptions,
    private readonly onClose: () => void,
  ) {
    this.subscriberId = request.subscriberId;
    this.cursor = start;
    this.saved = start;
    this.eventTypes = request.everyEventType ? undefined : new Set(request.eventTypes);
    this.aggregateTypes = new Set(request.aggregateTypes);
    this.logger = options.logger ?? consoleLogger;
    // A batching subscriber gets runs in position order (in order per aggregate by construction).
    this.queues = new AggregateQueues(request.handle, start, () => this.progressed(), request.batch);
  }

  start(): void {
    this.unwatch = this.options.log.watch?.(() => {
      this.woken = true;
      this.wake?.();
    });
    this.loop = this.run();
  }

  position(): number {
    return this.queues.watermark;
  }

  idle(): boolean {
    return this.queues.inFlight === 0;
  }

  /** Lag: events read from the log and not yet handled (the reader stays at most maxInFlight ahead of the handlers). */
  async status(): Promise<SubscriptionStatus> {
    return { joined: this.reading, lag: this.cursor - this.queues.watermark, problem: this.readProblem };
  }

  async caughtUp(): Promise<void> {
    const target = await this.options.log.lastPosition();
    if (this.closed || this.queues.watermark >= target) return;
    await new Promise<void>((resolve) => this.caughtUpWaiters.push({ target, resolve }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.saveTimer);
    this.unwatch?.();
    this.wake?.();
    for (const waiter of this.caughtUpWaiters.splice(0)) waiter.resolve();
    await this.queues.stop();
    await this.loop;
    await this.saving;
    await this.save();
    this.onClose();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? 1000;
    const maxInFlight = this.options.maxInFlight ?? 5000;
    const pollIntervalMs = this.options.pollIntervalMs ?? 20;
    // One line when reading starts failing and one when it works again, not one per try.
    let failingSince: number | undefined;
    while (!this.closed) {
      try {
        await this.queues.belowLimit(maxInFlight);
        if (this.closed) return;
        this.woken = false;
        const events = await this.options.log.readPublished(this.cursor, batchSize);
        this.reading = true;
        this.readProblem = undefined;
        if (failingSince !== undefined) {
          this.logger.info(`subscriber '${this.subscriberId}' reads the publication again`, { afterMs: Date.now() - failingSince });
          failingSince = undefined;
        }
        for (const event of events) {
          this.cursor = event.position;
          if ((this.eventTypes?.has(event.eventType) ?? true) && this.aggregateTypes.has(event.aggregateType)) this.queues.dispatch(event);
          else this.queues.skip(this.cursor);
        }
        if (events.length < batchSize) await this.nothingNew(pollIntervalMs);
      } catch (error) {
        this.readProblem = `cannot read the publication: ${String(error)}`;
        if (failingSince === undefined) {
          failingSince = Date.now();
          this.logger.error(`subscriber '${this.subscriberId}' cannot read the publication; retrying until it can`, { error: String(error) });
        }
        await sleep(Math.max(pollIntervalMs, 500));
      }
    }
  }

  /** Waits for the log's wake-up, or polls when the log cannot tell. */
  private async nothingNew(pollIntervalMs: number): Promise<void> {
    if (!this.options.log.watch) return sleep(pollIntervalMs);
    if (this.woken || this.closed) return;
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
  }

  private progressed(): void {
    const watermark = this.queues.watermark;
    for (let i = this.caughtUpWaiters.length - 1; i >= 0; i--) {
      if (this.caughtUpWaiters[i].target <= watermark) this.caughtUpWaiters.splice(i, 1)[0].resolve();
    }
    this.maybeSave();
  }

  private maybeSave(): void {
    const interval = this.options.checkpointIntervalMs ?? 100;
    if (this.saving || Date.now() - this.lastSave < interval) {
      // One deferred save covers all progress made meanwhile.
      this.saveTimer ??= setTimeout(() => {
        this.saveTimer = undefined;
        if (!this.closed) this.maybeSave();
      }, interval);
      return;
    }
    this.lastSave = Date.now();
    this.saving = this.save().finally(() => (this.saving = undefined));
  }

  private async save(): Promise<void> {
    const position = this.queues.watermark;
    if (position <= this.saved) return;
    try {
      await this.options.checkpoints.save(this.subscriberId, position);
      this.saved = position;
    } catch (error) {
      // The next save carries the same or a later position; until then a restart redelivers.
      this.logger.warn(`subscriber '${this.subscriberId}' could not save its checkpoint`, { error: String(error) });
    }
  }
}
