import { CliCommand } from './cli/cli-command';
import { cliCommands, runCli } from './cli';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('eventloom CLI', () => {
  it('lists its own commands only: the Kafka publisher is @eventloom/kafka\'s eventloom-publisher', async () => {
    const { io, out } = capture();
    expect(await runCli([], io)).toBe(0);
    expect(out.join('\n')).toMatch(/migrate .*create or upgrade/);
    expect(out.join('\n')).not.toMatch(/publisher/);
    expect([...cliCommands().keys()]).toEqual(['migrate']);
  });

  it('exits 2 with the usage on an unknown command or a bad flag', async () => {
    const unknown = capture();
    expect(await runCli(['frobnicate'], unknown.io)).toBe(2);
    expect(unknown.err).toEqual(["Unknown command 'frobnicate'."]);
    const bad = capture();
    expect(await runCli(['migrate', '--mysql', 'mysql://root@h/db', '--nope'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--nope[\s\S]*Usage: eventloom migrate/);
  });

  it('runs a subcommand with its arguments and returns its exit code', async () => {
    const calls: string[][] = [];
    const fake: CliCommand = { summary: 'fake', usage: 'eventloom fake', run: async (args) => (calls.push(args), 3) };
    const commands = cliCommands();
    commands.set('fake', fake);
    const { io } = capture();
    expect(await runCli(['fake', '--x', '1'], io, commands)).toBe(3);
    expect(calls).toEqual([['--x', '1']]);
  });
});
