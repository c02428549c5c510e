/** One thing readiness depends on, and what it found. */
export interface HealthCheck {
  /** 'store', 'publisher', or 'subscription <subscriberId>'. */
  readonly component: string;
  readonly ok: boolean;
  /** What was found, in words an operator can act on. */
  readonly detail: string;
}

/**
 * Whether a service can do its work now: its store answers, its
 * subscriptions are joined and advancing, its publisher has a leader.
 */
export interface HealthReport {
  readonly ready: boolean;
  readonly checks: readonly HealthCheck[];
}

export interface HealthOptions {
  /**
   * A subscription that has events waiting and handles none for this long
   * counts as stalled, and the service as not ready (default 20 000 ms).
   * Measured between health checks: probe readiness at least every 10 s.
   */
  readonly stallAfterMs: number;
  /** How long one check may take before it counts as failed (default 2 000 ms): a hung database never hangs readiness. */
  readonly checkTimeoutMs: number;
}

export const defaultHealth: HealthOptions = { stallAfterMs: 20_000, checkTimeoutMs: 2_000 };
