import { Command, CommanderError } from 'commander';
import { describeError } from '@eventloom/core/spi';
import { inspectCommand } from './commands/inspect';
import { migrateCommand } from './commands/migrate';
import { parkedCommand } from './commands/parked';
import { publisherCommand } from './commands/publisher';
import { rebuildCommand, replayCommand } from './commands/replay';
import { statusCommand } from './commands/status';
import { CliUsageError } from './operator/cli-errors';
import { CliIo, consoleIo } from './operator/cli-io';
import { OperatorContext } from './operator/operator-context';
import { RunWithContext } from './operator/run-with-context';

/**
 * Runs `eventloom <command> ...argv` and resolves to the exit code: 0 done,
 * 1 failed (the error names what is wrong), 2 a mistake in the command line,
 * 3 parked events are still parked after `parked retry`.
 */
export async function runCli(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  let exitCode = 0;
  const run: RunWithContext = async (action, options) => {
    const context = await OperatorContext.open(options);
    try {
      exitCode = (await action(context)) ?? 0;
    } finally {
      await context.close();
    }
  };
  const program = new Command('eventloom')
    .description('Operate an Eventloom service: its schema, publisher, subscribers, parked events and aggregates.')
    .addHelpText(
      'after',
      '\nEvery command that reads a service takes --mysql <url> (or $EVENTLOOM_MYSQL_URL) and --json.\n' +
        'Commands that run subscriber or aggregate code (parked retry, rebuild, replay, inspect state) take\n' +
        "--service <module>: the service's module exporting defineService({ aggregates, subscribers }).",
    )
    .addCommand(migrateCommand(io))
    .addCommand(publisherCommand())
    .addCommand(statusCommand(io, run))
    .addCommand(inspectCommand(io, run))
    .addCommand(parkedCommand(io, run))
    .addCommand(rebuildCommand(io, run))
    .addCommand(replayCommand(io, run));
  configure(program, io);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed the message or the help already.
      return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code) ? 0 : 2;
    }
    if (error instanceof CliUsageError) {
      io.err(`error: ${error.message}`);
      io.err(`(see \`eventloom ${argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')} --help\`)`);
      return 2;
    }
    io.err(describeError(error, { withName: true }));
    return 1;
  }
}

/** Every command (subcommands too) throws instead of exiting, and writes through io. */
function configure(command: Command, io: CliIo): void {
  command.exitOverride();
  command.configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  command.showHelpAfterError('(add --help for the usage)');
  for (const sub of command.commands) configure(sub, io);
}
