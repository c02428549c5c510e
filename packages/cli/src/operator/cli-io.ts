/** Where a command writes: stdout and stderr, or a test's buffers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  readonly interactive?: boolean;
}

export const consoleIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  interactive: process.stderr.isTTY === true,
};
