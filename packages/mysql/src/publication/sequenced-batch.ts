/**
 * A sequencing step's outcome: how many events it covered and the highest
 * position among them, known at its commit, and the events themselves, in
 * position order, which may still be on their way from MySQL (so that the
 * next step overlaps reading them).
 */
export interface SequencedBatch<E> {
  readonly count: number;
  readonly lastPosition: number;
  readonly events: Promise<readonly E[]>;
}

/** A batch whose events are already read. */
export function readyBatch<E extends { readonly position: number }>(events: readonly E[]): SequencedBatch<E> {
  return { count: events.length, lastPosition: events.length === 0 ? 0 : events[events.length - 1].position, events: Promise.resolve(events) };
}
