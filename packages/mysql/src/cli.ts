#!/usr/bin/env node
import { CliCommand, CliIo, CliUsageError } from './cli/cli-command';
import { migrateCommand } from './cli/migrate-command';

export { CliUsageError } from './cli/cli-command';
export type { CliCommand, CliIo } from './cli/cli-command';

/**
 * A subcommand that lives in another package, loaded only when run (so
 * `migrate` never loads Kafka): `module` exports `exportName(args)`.
 */
export interface PluginCommand {
  readonly name: string;
  readonly module: string;
  readonly exportName: string;
  readonly summary: string;
}

export const pluginCommands: PluginCommand[] = [
  {
    name: 'publisher',
    module: '@eventloom/kafka/dist/cli',
    exportName: 'runPublisherCli',
    summary: 'publish stored events to Kafka in order (needs @eventloom/kafka; --help for options)',
  },
];

const builtIn: Record<string, CliCommand> = { migrate: migrateCommand };

function fromPlugin(plugin: PluginCommand): CliCommand {
  return {
    summary: plugin.summary,
    usage: `eventloom ${plugin.name} --help`,
    async run(args) {
      let exported: Record<string, unknown>;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        exported = require(plugin.module) as Record<string, unknown>;
      } catch (error) {
        if ((error as { code?: string }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(plugin.module)) {
          throw new CliUsageError(`'eventloom ${plugin.name}' needs ${plugin.module.split('/dist/')[0]}: npm install it next to @eventloom/mysql.`);
        }
        throw error;
      }
      const run = exported[plugin.exportName];
      if (typeof run !== 'function') throw new Error(`${plugin.module} does not export ${plugin.exportName}().`);
      const code = (await (run as (args: string[]) => Promise<unknown>)(args)) as number | undefined;
      return typeof code === 'number' ? code : 0;
    },
  };
}

/** Every subcommand: the built-in ones, then those of other packages. */
export function cliCommands(plugins: readonly PluginCommand[] = pluginCommands): Map<string, CliCommand> {
  const commands = new Map(Object.entries(builtIn));
  for (const plugin of plugins) if (!commands.has(plugin.name)) commands.set(plugin.name, fromPlugin(plugin));
  return commands;
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
    io.err(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    return 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // A plugin's client library may leave handles open once the command is done.
    setTimeout(() => process.exit(code), 1_000).unref();
  });
}
