import { CliCommand } from './cli/cli-command';
import { cliCommands, runCli } from './cli';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('eventloom CLI', () => {
  it('lists its commands, the Kafka publisher included', async () => {
    const { io, out } = capture();
    expect(await runCli([], io)).toBe(0);
    expect(out.join('\n')).toMatch(/migrate .*\n.*publisher/);
  });

  it('exits 2 with the usage on an unknown command or a bad flag', async () => {
    const unknown = capture();
    expect(await runCli(['frobnicate'], unknown.io)).toBe(2);
    expect(unknown.err).toEqual(["Unknown command 'frobnicate'."]);
    const bad = capture();
    expect(await runCli(['migrate', '--mysql', 'mysql://root@h/db', '--nope'], bad.io)).toBe(2);
    expect(bad.err.join('\n')).toMatch(/--nope[\s\S]*Usage: eventloom migrate/);
  });

  it('runs a subcommand from another package, and says which package to install when it is missing', async () => {
    const calls: string[][] = [];
    const fake: CliCommand = { summary: 'fake', usage: 'eventloom fake', run: async (args) => (calls.push(args), 0) };
    const commands = cliCommands([{ name: 'missing', module: '@eventloom/not-installed/dist/cli', exportName: 'run', summary: 's' }]);
    commands.set('fake', fake);
    const { io, err } = capture();
    expect(await runCli(['fake', '--x', '1'], io, commands)).toBe(0);
    expect(calls).toEqual([['--x', '1']]);
    expect(await runCli(['missing'], io, commands)).toBe(2);
    expect(err[0]).toMatch(/needs @eventloom\/not-installed/);
  });
});
