import { runCli } from './program';

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('eventloom (the command line, no I/O)', () => {
  it('lists every command with no arguments and with --help', async () => {
    for (const args of [[], ['--help']]) {
      const { code, out } = await run(...args);
      expect(code).toBe(0);
      for (const command of ['migrate', 'publisher', 'status', 'inspect', 'parked', 'rebuild', 'replay']) expect(out).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const parked = await run('parked', '--help');
    expect(parked.out).toMatch(/list .*\n.*show .*\n.*retry .*\n.*discard /);
  });

  it('exits 2 naming the mistake: an unknown command, a missing argument, a missing --mysql', async () => {
    const unknown = await run('frobnicate');
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.err).toMatch(/unknown command 'frobnicate'/);
    const missing = await run('inspect', 'Order');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/missing required argument 'id'/);
    const saved = process.env.EVENTLOOM_MYSQL_URL;
    delete process.env.EVENTLOOM_MYSQL_URL;
    try {
      const noUrl = await run('status');
      expect(noUrl.code).toBe(2);
      expect(noUrl.err).toMatch(/--mysql <url> is required \(or set \$EVENTLOOM_MYSQL_URL\)/);
    } finally {
      if (saved !== undefined) process.env.EVENTLOOM_MYSQL_URL = saved;
    }
    const noFrom = await run('replay', 'view', '--mysql', 'mysql://root@127.0.0.1:1/x');
    expect(noFrom.code).toBe(2);
    expect(noFrom.err).toMatch(/required option '--from <position\|timestamp>' not specified/);
  });
});
