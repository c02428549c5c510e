import { PublicationSink, SequencedEvent } from '@eventloom/core/spi';

/**
 * The leader's sends: batches go to the sink one after the other, in the
 * order they were sequenced, so the sink sees positions in order. Up to
 * `maxInFlight` batches may wait, so that sequencing the next batch overlaps
 * sending this one. The first failed send stops the pipeline: no later batch
 * reaches the sink or counts as accepted (a later batch accepted past a lost
 * one would let its positions be marked published over a hole).
 */
export class SendPipeline<E extends SequencedEvent> {
  private chain: Promise<void> = Promise.resolve();
  private readonly inFlight: Array<Promise<void>> = [];
  private failure?: { readonly error: unknown };

  constructor(
    private readonly sink: PublicationSink<E>,
    /** Called with each batch the sink accepted, in order. */
    private readonly accepted: (batch: readonly E[]) => void,
    private readonly maxInFlight = 2,
  ) {}

  /** Queues a batch (or one still being read: failing to read it fails it as a send) behind those queued before it. */
  send(events: readonly E[] | Promise<readonly E[]>): void {
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        const batch = await events;
        await this.sink.send(batch);
        this.accepted(batch);
      } catch (error) {
        this.failure ??= { error };
      }
    });
    const done = this.chain;
    this.inFlight.push(done);
    void done.then(() => this.inFlight.splice(this.inFlight.indexOf(done), 1));
  }

  /** Waits for the oldest batch if `maxInFlight` are queued: sequencing runs at most that far ahead. */
  async room(): Promise<void> {
    if (this.inFlight.length >= this.maxInFlight) await this.inFlight[0];
  }

  get idle(): boolean {
    return this.inFlight.length === 0;
  }

  /** Resolves once every queued batch was sent or skipped; never rejects (see throwIfFailed). */
  drained(): Promise<void> {
    return this.chain;
  }

  /** Throws the sink's error if a send failed. */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
