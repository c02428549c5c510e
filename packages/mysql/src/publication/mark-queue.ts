/**
 * Records that every position in (after, upTo] was accepted by the sink
 * (Sequencer.markPublished: the publication's high-water mark, on a pool
 * connection). `after` is where the marks stood when this one began.
 */
export type MarkPublished = (range: { readonly after: number; readonly upTo: number }) => Promise<void>;

export interface MarkQueueEvents {
  /** Every position up to `position` is marked published. */
  marked(position: number): void;
  /** A mark failed; its positions are marked with the next one. */
  markFailed(upTo: number, error: unknown): void;
}

/**
 * Marks accepted events published, beside sequencing: one mark after the
 * other, each moving the published position up to the highest position the
 * sink accepted so far. Batches are accepted in position order, so that
 * position covers every event below it. A mark that fails leaves the position
 * where it was, and the next mark covers its events too, so a mark never
 * covers a later batch without the earlier ones. A mark lost in a crash only
 * means a resend by the next leader.
 */
export class MarkQueue {
  /** The highest position the sink accepted. */
  private acceptedUpTo: number;
  /** The highest position a mark queued or done covers. */
  private queuedUpTo: number;
  private markedUpTo: number;
  private marking: Promise<void> = Promise.resolve();

  constructor(
    private readonly markPublished: MarkPublished,
    publishedPosition: number,
    private readonly events: MarkQueueEvents,
  ) {
    this.acceptedUpTo = publishedPosition;
    this.queuedUpTo = publishedPosition;
    this.markedUpTo = publishedPosition;
  }

  /** Every position up to this one is marked published. */
  get publishedPosition(): number {
    return this.markedUpTo;
  }

  /** Records a batch the sink accepted (batches come in position order). */
  accepted(batch: ReadonlyArray<{ readonly position: number }>): void {
    if (batch.length === 0) return;
    this.acceptedUpTo = batch[batch.length - 1].position;
  }

  /** Queues a mark of everything accepted so far (nothing if nothing new was accepted). */
  flush(): void {
    if (this.acceptedUpTo <= this.queuedUpTo) return;
    const upTo = this.acceptedUpTo;
    this.queuedUpTo = upTo;
    this.marking = this.marking.then(async () => {
      const after = this.markedUpTo;
      if (upTo <= after) return; // a later mark that covered this one already succeeded
      try {
        await this.markPublished({ after, upTo });
        this.markedUpTo = upTo;
        this.events.marked(upTo);
      } catch (error) {
        // The next flush marks from markedUpTo again, even if nothing new was accepted.
        this.queuedUpTo = this.markedUpTo;
        this.events.markFailed(upTo, error);
      }
    });
  }

  /** Resolves once every queued mark has succeeded or failed; never rejects. */
  settled(): Promise<void> {
    return this.marking;
  }
}
