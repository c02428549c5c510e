import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, chown } from 'node:fs/promises';
import { userInfo, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { eventually } from '@eventloom/testing';
import { freePort } from './free-port';

/**
 * A MariaDB server of one test's own (its data directory, socket and port),
 * for tests that take the database away: never the shared server the other
 * tests and helpers use. Needs mariadbd and mariadb-install-db (the
 * mariadb-server package, which scripts/ensure-mariadb.sh installs).
 */
export interface PrivateMariaDb {
  /** mysql://root@127.0.0.1:<port> (no database). */
  readonly url: string;
  readonly port: number;
  /** Kills the server at once (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same data and port; resolves once it answers. */
  start(): Promise<void>;
  /** Kills it and removes its data. */
  destroy(): Promise<void>;
}

export async function startPrivateMariaDb(): Promise<PrivateMariaDb> {
  const dir = await mkdtemp(path.join(tmpdir(), 'eventloom-mariadb-'));
  const datadir = path.join(dir, 'data');
  // mariadbd refuses to run as root without --user; the mysql user must own the files then.
  const asRoot = userInfo().uid === 0;
  if (asRoot) await chown(dir, ...(await mysqlIds()));
  await promisify(execFile)('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${datadir}`,
    ...(asRoot ? ['--user=mysql'] : []),
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  const port = await freePort();
  const url = `mysql://root@127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let output = '';

  const start = async () => {
    output = '';
    server = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${datadir}`,
        `--socket=${path.join(dir, 'mariadb.sock')}`,
        `--pid-file=${path.join(dir, 'mariadb.pid')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=64M',
        '--innodb-log-file-size=16M',
        '--max-connections=300',
        ...(asRoot ? ['--user=mysql'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout!.on('data', (chunk) => (output += chunk));
    server.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<never>((_, reject) => server!.once('exit', (code) => reject(new Error(`mariadbd exited (${code}):\n${output}`))));
    exited.catch(() => undefined);
    await Promise.race([eventually(() => answers(url), `the private MariaDB on port ${port}`, 60_000, 200), exited]);
  };

  const kill = async () => {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };

  await start();
  return {
    url,
    port,
    kill,
    start,
    async destroy() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const connection = await mysql.createConnection(url);
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

async function mysqlIds(): Promise<[number, number]> {
  const run = promisify(execFile);
  const [uid, gid] = await Promise.all([run('id', ['-u', 'mysql']), run('id', ['-g', 'mysql'])]);
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
}
