/** Marks events published by their row ids (Sequencer.markPublished on a pool connection). */
export type MarkPublished = (rowIds: readonly number[]) => Promise<void>;

export interface MarkQueueEvents {
  /** Every position up to `position` is marked published. */
  marked(position: number): void;
  /** A mark failed; its events are marked with the next one. */
  markFailed(upTo: number, error: unknown): void;
}

/**
 * Marks accepted events published, beside sequencing: one mark after the
 * other, each covering everything the sink accepted since the last. A mark
 * that fails keeps its events for the next one, so a mark never covers a
 * later batch without the earlier ones. A mark lost in a crash only means a
 * resend by the next leader.
 */
export class MarkQueue {
  /** Accepted by the sink, not marked yet: their row ids, and the highest position among them. */
  private acceptedIds: number[] = [];
  private acceptedUpTo: number;
  private markedUpTo: number;
  private marking: Promise<void> = Promise.resolve();

  constructor(
    private readonly markPublished: MarkPublished,
    publishedPosition: number,
    private readonly events: MarkQueueEvents,
  ) {
    this.acceptedUpTo = publishedPosition;
    this.markedUpTo = publishedPosition;
  }

  /** Every position up to this one is marked published. */
  get publishedPosition(): number {
    return this.markedUpTo;
  }

  /** Records a batch the sink accepted (batches come in position order). */
  accepted(batch: ReadonlyArray<{ readonly rowId: number; readonly position: number }>): void {
    if (batch.length === 0) return;
    for (const event of batch) this.acceptedIds.push(event.rowId);
    this.acceptedUpTo = batch[batch.length - 1].position;
  }

  /** Queues a mark of everything accepted so far (nothing if nothing new was accepted). */
  flush(): void {
    if (this.acceptedIds.length === 0) return;
    const ids = this.acceptedIds;
    const upTo = this.acceptedUpTo;
    this.acceptedIds = [];
    this.marking = this.marking.then(async () => {
      try {
        await this.markPublished(ids);
        this.markedUpTo = Math.max(this.markedUpTo, upTo);
        this.events.marked(this.markedUpTo);
      } catch (error) {
        this.acceptedIds = ids.concat(this.acceptedIds);
        this.events.markFailed(upTo, error);
      }
    });
  }

  /** Resolves once every queued mark has succeeded or failed; never rejects. */
  settled(): Promise<void> {
    return this.marking;
  }
}
