/** The embedded workload: create `aggregates` accounts, then deposit into each `updatesEach` times, round-robin. */
export interface EmbeddedWorkload {
  readonly aggregates: number;
  readonly updatesEach: number;
}

export interface EmbeddedResult {
  readonly commands: number;
  readonly millis: number;
  readonly commandsPerSecond: number;
}
