import { Logger } from '@eventloom/core';
import { describeError, PublicationSink } from '@eventloom/core/spi';
import { MarkPublished, MarkQueue } from './mark-queue';
import { SendPipeline } from './send-pipeline';
import { MySqlSequencedEvent, SequenceState, StepRequest } from './sequencer';
import { SequencedBatch } from './sequenced-batch';

/** The sequencer on the leader's lock connection (see Sequencer): each call checks the lock is still ours. */
export interface LeaderSequencing<E extends MySqlSequencedEvent = MySqlSequencedEvent> {
  prepare(): Promise<SequenceState>;
  step(request: StepRequest): Promise<SequencedBatch<E>>;
  pending(): Promise<boolean>;
}

/** What the publisher's status() reports, as the term makes progress. */
export interface LeaderProgress {
  /** Every position up to `position` is marked published. */
  published(position: number): void;
  /** The sink accepted `count` more events. */
  accepted(count: number): void;
}

export interface LeaderTerm<E extends MySqlSequencedEvent = MySqlSequencedEvent> {
  readonly sequencing: LeaderSequencing<E>;
  readonly sink: PublicationSink<E>;
  readonly markPublished: MarkPublished;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly progress: LeaderProgress;
  readonly logger: Logger;
  readonly instanceId: string;
  /** True once the publisher is stopping: the term then finishes its sends and marks and returns. */
  readonly stopping: () => boolean;
  /** Waits `ms`, or less if the publisher stops meanwhile. */
  readonly pause: (ms: number) => Promise<void>;
}

// Sends run one after the other; with at most this many batches queued, sequencing overlaps sending.
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * One term of leadership, from taking the lock until the publisher stops
 * (resolves) or something fails (rejects: a lost lock, another sequencer, a
 * failed send, MySQL gone). First it resends what an earlier leader sequenced
 * but did not mark published, with the same positions; then it sequences new
 * events. While batch N is read and on its way to the sink, batch N+1 is sequenced;
 * batches the sink accepted are marked published beside the sequencing.
 * Whatever way it ends, it waits for the sends and marks under way.
 */
export async function serveLeaderTerm<E extends MySqlSequencedEvent>(term: LeaderTerm<E>): Promise<void> {
  const { sequencing, logger, instanceId } = term;
  const state = await sequencing.prepare();
  let last = state.lastPosition;
  /** Highest position handed to the sends. */
  let cursor = state.publishedPosition;
  const resendUpTo = state.lastPosition;
  if (resendUpTo > cursor) {
    logger.info(`publisher ${instanceId} resends positions ${cursor + 1}..${resendUpTo} (sent, but not marked published)`);
  }
  term.progress.published(state.publishedPosition);
  const marks = new MarkQueue(term.markPublished, state.publishedPosition, {
    marked: (position) => term.progress.published(position),
    markFailed: (upTo, error) =>
      logger.warn(`publisher ${instanceId} could not mark positions up to ${upTo} published; will try again`, { error: describeError(error) }),
  });
  const sends = new SendPipeline<E>(
    term.sink,
    (batch) => {
      marks.accepted(batch);
      term.progress.accepted(batch.length);
    },
    MAX_BATCHES_IN_FLIGHT,
  );
  try {
    while (!term.stopping()) {
      sends.throwIfFailed();
      const resend = cursor < resendUpTo ? { after: cursor, upTo: resendUpTo } : undefined;
      marks.flush();
      const batch = await sequencing.step({ expectedLast: last, resend, batchSize: term.batchSize });
      if (batch.count > 0) {
        cursor = batch.lastPosition;
        if (!resend) last = cursor;
        // Its rows may still be coming: the send waits for them, the next step need not.
        sends.send(batch.events);
        await sends.room();
      } else if (!sends.idle) {
        await sends.drained();
      } else {
        marks.flush();
        await marks.settled();
        // Idle: poll with one cheap statement (which also checks the lock) until something awaits a position.
        do await term.pause(term.pollIntervalMs);
        while (!term.stopping() && !(await sequencing.pending()));
      }
    }
    // Stopping: let the sends finish and record them, so that the next leader need not resend.
    await sends.drained();
    marks.flush();
  } finally {
    await sends.drained();
    await marks.settled();
  }
}
