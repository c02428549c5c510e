import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';

/**
 * A MariaDB server of the benchmark's own, for figures read from the
 * server's global counters (SHOW GLOBAL STATUS): on the shared server every
 * other client's statements would count too. Needs mariadbd and
 * mariadb-install-db (scripts/ensure-mariadb.sh installs them).
 */
export interface PrivateMariaDb {
  /** mysql://root@127.0.0.1:<port>, without a database. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPrivateMariaDb(): Promise<PrivateMariaDb> {
  const run = promisify(execFile);
  const dir = await mkdtemp(path.join(tmpdir(), 'eventloom-bench-mariadb-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'mysql']), run('id', ['-g', 'mysql'])]);
    await chown(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
  }
  const datadir = path.join(dir, 'data');
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, ...(asRoot ? ['--user=mysql'] : []), '--auth-root-authentication-method=normal', '--skip-test-db']);
  const port = await freePort();
  const url = `mysql://root@127.0.0.1:${port}`;
  let output = '';
  const server: ChildProcess = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      `--socket=${path.join(dir, 'mariadb.sock')}`,
      `--pid-file=${path.join(dir, 'mariadb.pid')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=256M',
      '--max-connections=300',
      // Per-connection counters (performance_schema.status_by_thread), to tell one client's statements from another's.
      '--performance-schema=ON',
      ...(asRoot ? ['--user=mysql'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      await new Promise<void>((resolve) => {
        server.once('exit', () => resolve());
        server.kill('SIGKILL');
      });
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`mariadbd exited (${server.exitCode}):\n${output}`);
    try {
      await (await createConnection(url)).end();
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`The benchmark's MariaDB on port ${port} did not answer within 60 s: ${String(error)}\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { url, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
