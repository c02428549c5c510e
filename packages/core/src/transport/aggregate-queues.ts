import { SequencedEvent } from '../publication/publication-sink';
import { sleep } from '../runtime/backoff';
import { aggregateKey } from './aggregate-key';
import { EventBatchHandling } from './event-transport';

/**
 * Runs events through `handle` in order per aggregate and concurrently across
 * aggregates, and tracks the handled watermark: the highest position up to
 * which every dispatched (or skipped) event is done. Positions must be
 * dispatched in increasing order.
 *
 * With `batch`, events are handled in runs instead: one queue in dispatch
 * order, up to `batch.maxEvents` events per call of `batch.handle` (a unit of
 * work handles its run one event after the other anyway).
 */
interface Slot {
  readonly position: number;
  done: boolean;
}

/** The one queue of batch mode. */
const RUNS = '';

export class AggregateQueues {
  /** Per aggregate, its events waiting with their slots in `order`. */
  private readonly queues = new Map<string, Array<{ event: SequencedEvent; slot: Slot }>>();
  /** Positions in dispatch order, with whether each is done; the head advances the watermark. */
  private readonly order: Slot[] = [];
  private head = 0;
  private stopped = false;
  private readonly draining = new Set<Promise<void>>();
  private readonly waiters: Array<() => void> = [];
  watermark: number;

  constructor(
    private readonly handle: (event: SequencedEvent) => Promise<void>,
    startPosition: number,
    private readonly onProgress: () => void = () => {},
    private readonly batch?: EventBatchHandling,
  ) {
    this.watermark = startPosition;
  }

  get inFlight(): number {
    return this.order.length - this.head;
  }

  /** Records a position this subscriber does not want: done at once. */
  skip(position: number): void {
    this.order.push({ position, done: true });
    this.advance();
  }

  dispatch(event: SequencedEvent): void {
    const slot: Slot = { position: event.position, done: false };
    this.order.push(slot);
    const key = this.batch ? RUNS : aggregateKey(event.aggregateType, event.aggregateId);
    const queue = this.queues.get(key);
    if (queue) {
      queue.push({ event, slot });
    } else {
      this.queues.set(key, [{ event, slot }]);
      const drain = this.drain(key);
      this.draining.add(drain);
      void drain.finally(() => this.draining.delete(drain));
    }
  }

  /** Resolves when fewer than `limit` events are in flight (backpressure for the reader). */
  async belowLimit(limit: number): Promise<void> {
    while (this.inFlight >= limit && !this.stopped) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Stops taking events; resolves once every handler already running has returned. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all([...this.draining]);
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    // A run takes what the reader dispatches in one go, not just the first event of it.
    if (this.batch) await Promise.resolve();
    let failures = 0;
    while (queue.length > 0 && !this.stopped) {
      if (this.batch) {
        if (!(await this.handleRun(queue))) {
          if (this.stopped) break;
          await sleep(Math.min(5_000, 100 * 2 ** failures++));
        } else {
          failures = 0;
        }
        continue;
      }
      const { event, slot } = queue[0];
      try {
        await this.handle(event);
        failures = 0;
      } catch {
        // handle() fails only when it could not even park the event (e.g. the dead-letter
        // store is down) or the subscription is stopping. Never skip it: try it again later,
        // holding up only this aggregate; a stopping subscription leaves it for redelivery.
        if (this.stopped) break;
        await sleep(Math.min(5_000, 100 * 2 ** failures++));
        continue;
      }
      queue.shift();
      slot.done = true;
      this.advance();
    }
    if (queue.length === 0) this.queues.delete(key);
  }

  /** Handles the queue's next run; false when it failed (it stays queued, to be tried again). */
  private async handleRun(queue: Array<{ event: SequencedEvent; slot: Slot }>): Promise<boolean> {
    const run = queue.slice(0, this.batch!.maxEvents);
    try {
      await this.batch!.handle(run.map((entry) => entry.event));
    } catch {
      return false;
    }
    queue.splice(0, run.length);
    for (const entry of run) entry.slot.done = true;
    this.advance();
    return true;
  }

  private advance(): void {
    const before = this.watermark;
    while (this.head < this.order.length && this.order[this.head].done) this.watermark = this.order[this.head++].position;
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    if (this.watermark !== before) {
      this.onProgress();
      this.wake();
    }
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
