import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { ScenarioUrls } from './scenario';

const startAll = path.join(__dirname, '..', 'dist', 'distributed', 'start-all.js');

export interface DistributedDeployment {
  readonly urls: ScenarioUrls;
  /** Everything the services printed so far. */
  output(): string;
  /** The name of one service's database: 'customers', 'orders' or 'order_history'. */
  databaseOf(service: 'customers' | 'orders' | 'order_history'): string;
  /** Stops the services (SIGTERM through start-all) and drops their databases. */
  stop(): Promise<void>;
}

export interface DeploymentOptions {
  /** mysql://user@host:port of the server holding the three databases (default: the test server). */
  readonly mysqlServer?: string;
  readonly brokers?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly readyTimeoutMs?: number;
}

/**
 * `npm run start:distributed` as a user runs it, on ports, databases, topics
 * and groups of its own (names unique by time and randomness: other runs
 * share the servers); resolves once it printed its ready line.
 */
export async function startDistributed(options: DeploymentOptions = {}): Promise<DistributedDeployment> {
  const plan = await deploymentPlan(options);
  const child = fork(startAll, { env: { ...plan.env, PORT: String(plan.base) }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const stop = async () => {
    await stopped(child);
    await plan.dropDatabases();
  };
  const timeoutMs = options.readyTimeoutMs ?? 90_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`start:distributed printed no ready line in ${timeoutMs} ms:\n${output}`)), timeoutMs);
      child.stdout!.on('data', () => {
        if (output.includes('distributed, ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`start:distributed exited with ${code}:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: plan.urls, output: () => output, databaseOf: plan.databaseOf, stop };
}

/** Where a deployment runs: its three ports, its databases, topics and groups, and the environment its services get. */
export interface DeploymentPlan {
  readonly base: number;
  readonly env: NodeJS.ProcessEnv;
  readonly urls: ScenarioUrls;
  databaseOf(service: 'customers' | 'orders' | 'order_history'): string;
  dropDatabases(): Promise<void>;
}

/** Names unique by time and randomness (other runs share the servers), and three free ports. */
export async function deploymentPlan(options: DeploymentOptions = {}): Promise<DeploymentPlan> {
  const run = `e2e${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const server = (options.mysqlServer ?? process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
  const base = await threeFreePorts();
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    base,
    env: {
      ...process.env,
      EVENTLOOM_MYSQL_SERVER: server,
      KAFKA_BROKERS: options.brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      EVENTLOOM_DATABASE_PREFIX: `${run}_`,
      EVENTLOOM_TOPIC_PREFIX: `${run}.`,
      EVENTLOOM_GROUP_PREFIX: `${run}.`,
      ...options.env,
    },
    urls: { customers: url(base), views: url(base + 1), orders: url(base + 2) },
    databaseOf: (service) => `${run}_${service}`,
    async dropDatabases() {
      const connection = await mysql.createConnection(server);
      for (const db of ['customers', 'orders', 'order_history']) await connection.query(`DROP DATABASE IF EXISTS \`${run}_${db}\``);
      await connection.end();
    },
  };
}

export function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A base port with it and the next two free. */
async function threeFreePorts(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await Promise.all([base, base + 1, base + 2].map(isFree))).every(Boolean)) return base;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
