/** The embedded workload: create `aggregates` accounts, then deposit into each `updatesEach` times, round-robin. */
export interface EmbeddedWorkload {
  readonly aggregates: number;
  readonly updatesEach: number;
}

export interface EmbeddedResult {
  readonly commands: number;
  readonly millis: number;
  readonly commandsPerSecond: number;
  /**
   * Commands per second of the process's own CPU time (all its threads, the
   * garbage collector's included): what the machine's other load changes least.
   */
  readonly commandsPerCpuSecond: number;
  /** Resident memory at the end of the run. */
  readonly rssMegabytes?: number;
}
