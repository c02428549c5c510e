/** Where a command writes: stdout and stderr, or a test's buffers. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** One `eventloom <name>` subcommand. */
export interface CliCommand {
  /** One line for `eventloom help`. */
  readonly summary: string;
  readonly usage: string;
  /** Resolves to the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A mistake in the command line: print the usage, exit with 2. */
export class CliUsageError extends Error {}
