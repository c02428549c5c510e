export interface BackoffOptions {
  /** Delay before the second try, in milliseconds. */
  readonly initialDelayMs: number;
  /** Upper bound of any one delay. */
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter: racing writers that collided once
 * should not collide again in lock-step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.random() * ceiling;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
