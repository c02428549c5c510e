/**
 * Per subscriber, the highest position its last rebuild (from the event
 * store) handled. A transport that hands over from a rebuild skips events at
 * or below the mark, so nothing is handled twice.
 */
export interface RebuildMarks {
  /** Highest position a rebuild of this subscriber handled; 0 if it was never rebuilt. */
  get(subscriberId: string): Promise<number>;
  set(subscriberId: string, position: number): Promise<void>;
}
