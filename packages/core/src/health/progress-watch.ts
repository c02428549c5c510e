/**
 * Tells a stalled subscription from a busy or idle one: stalled means events
 * are waiting (lag > 0) and none was handled, and the lag did not shrink, for
 * `stallAfterMs`. The clock starts when a check first sees the lag, or at the
 * last progress if that is later, so an idle subscription that receives an
 * event is not stalled the moment it does.
 */
export class ProgressWatch {
  private lastProgressAt: number;
  private behindSince?: number;
  private lastLag = 0;
  private lastLatenessMs = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.lastProgressAt = now();
  }

  /** An event was handled (or parked); `storedAt`, its stored time, tells how late it was handled. */
  progressed(storedAt?: Date): void {
    this.lastProgressAt = this.now();
    if (storedAt) this.lastLatenessMs = Math.max(0, this.lastProgressAt - storedAt.getTime());
  }

  /**
   * How far behind the subscription is, seconds, given its `lag` in events:
   * 0 when caught up; else how late its latest event was handled (stored to
   * handled), or how long it has been stalled at this lag if that is longer.
   * Reads the clock without moving the stall watch (stalledFor does).
   */
  lagSeconds(lag: number): number {
    if (lag <= 0) return 0;
    const stalledMs = this.behindSince === undefined ? 0 : this.now() - Math.max(this.behindSince, this.lastProgressAt);
    return Math.max(this.lastLatenessMs, stalledMs) / 1000;
  }

  /** How long the subscription has been stalled at this `lag`, ms; 0 when it is not. */
  stalledFor(lag: number): number {
    const now = this.now();
    if (lag < this.lastLag) this.lastProgressAt = now;
    this.lastLag = lag;
    if (lag <= 0) {
      this.behindSince = undefined;
      return 0;
    }
    this.behindSince ??= now;
    return now - Math.max(this.behindSince, this.lastProgressAt);
  }
}
