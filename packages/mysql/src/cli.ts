#!/usr/bin/env node
import { describeError } from '@eventloom/core/spi';
import { CliCommand, CliIo, CliUsageError } from './cli/cli-command';
import { migrateCommand } from './cli/migrate-command';

export { CliUsageError } from './cli/cli-command';
export type { CliCommand, CliIo } from './cli/cli-command';

const builtIn: Record<string, CliCommand> = { migrate: migrateCommand };

/**
 * The subcommands of `eventloom`: this package's own. Other packages ship
 * their own executables (e.g. `eventloom-publisher` in @eventloom/kafka).
 */
export function cliCommands(): Map<string, CliCommand> {
  return new Map(Object.entries(builtIn));
}

const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function help(commands: Map<string, CliCommand>, io: CliIo): void {
  io.out('Usage: eventloom <command> [options]\n\nCommands:');
  for (const [name, command] of commands) io.out(`  ${name.padEnd(12)} ${command.summary}`);
  io.out('  help         this list, or `eventloom help <command>`');
}

/** Runs `eventloom <command> ...args` and resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo = consoleIo, commands = cliCommands()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const command = args[0] ? commands.get(args[0]) : undefined;
    if (command) io.out(`Usage: ${command.usage}`);
    else help(commands, io);
    return 0;
  }
  const command = commands.get(name);
  if (!command) {
    io.err(`Unknown command '${name}'.`);
    help(commands, io);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(error.message);
      io.err(`Usage: ${command.usage}`);
      return 2;
    }
    io.err(describeError(error, { withName: true }));
    return 1;
  }
}

/** Runs the command line of this process (bin/eventloom.js calls it). */
export function main(): void {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Do not hang on a handle a driver left open once the command is done.
    setTimeout(() => process.exit(code), 1_000).unref();
  });
}

if (require.main === module) main();
