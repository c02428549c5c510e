import { runCli } from './program';

/** Runs the command line of this process (bin/eventloom.js calls it). */
export function main(argv: readonly string[] = process.argv.slice(2)): void {
  void runCli(argv).then((code) => {
    process.exitCode = code;
    // Do not hang on a handle a driver left open once the command is done.
    setTimeout(() => process.exit(code), 1_000).unref();
  });
}

if (require.main === module) main();
