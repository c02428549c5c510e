/** What a strategy sees when the repository is about to append events. */
export interface SnapshotDecisionInput {
  readonly aggregateType: string;
  /** Version the command was decided on (0 for a create). */
  readonly versionBefore: number;
  /** Version after the new events. */
  readonly versionAfter: number;
  /** Version of the snapshot the aggregate was loaded from, 0 if none. */
  readonly snapshotVersion: number;
  /** Milliseconds spent loading (reading and applying) the aggregate. */
  readonly loadMillis: number;
}

/**
 * Decides when to snapshot. Compose with `.or()`:
 * `afterEvents(100).or(whenLoadTakesLongerThan(50))`.
 */
export interface SnapshotStrategy {
  shouldSnapshot(input: SnapshotDecisionInput): boolean;
  or(other: SnapshotStrategy): SnapshotStrategy;
}

export function snapshotStrategy(decide: (input: SnapshotDecisionInput) => boolean): SnapshotStrategy {
  return {
    shouldSnapshot: decide,
    or(other) {
      return snapshotStrategy((input) => decide(input) || other.shouldSnapshot(input));
    },
  };
}

/** Snapshots whenever the new events cross a multiple of `n` versions. */
export function afterEvents(n: number): SnapshotStrategy {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`afterEvents(n) needs a positive integer, got ${n}.`);
  }
  return snapshotStrategy(
    ({ versionBefore, versionAfter }) => Math.floor(versionAfter / n) > Math.floor(versionBefore / n),
  );
}

/** Snapshots when loading the aggregate took longer than `millis` and there are events since the last snapshot. */
export function whenLoadTakesLongerThan(millis: number): SnapshotStrategy {
  return snapshotStrategy(({ loadMillis, versionBefore, snapshotVersion }) => loadMillis > millis && versionBefore > snapshotVersion);
}

export const neverSnapshot: SnapshotStrategy = snapshotStrategy(() => false);
