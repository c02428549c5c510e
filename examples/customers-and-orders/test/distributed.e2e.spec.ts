import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { call, eventually } from './http-client';
import { runCreditScenario, runRoutingScenario, runValidationScenario, ScenarioUrls } from './scenario';

// The three services as separate processes, over the real MariaDB and Kafka
// (started by `npm test`), each with its own database. Names are unique per
// run (time and randomness: other runs may share the servers) so that runs never
// share databases, topics or consumer groups.
const run = `e2e${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const dist = path.join(__dirname, '..', 'dist', 'distributed');
const server = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function start(service: string, port: number): Promise<ChildProcess> {
  const child = fork(path.join(dist, `${service}.js`), {
    env: {
      ...process.env,
      PORT: String(port),
      EVENTLOOM_DATABASE_PREFIX: `${run}_`,
      EVENTLOOM_TOPIC_PREFIX: `${run}.`,
      EVENTLOOM_GROUP_PREFIX: `${run}.`,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service} did not start in 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${service} exited with ${code}:\n${output}`));
    });
  });
}

describe('Customers & Orders as separate services over MySQL and Kafka', () => {
  const children: ChildProcess[] = [];
  let urls: ScenarioUrls;

  beforeAll(async () => {
    const [customers, views, orders] = [await freePort(), await freePort(), await freePort()];
    children.push(...(await Promise.all([start('customer-service', customers), start('order-history-service', views), start('order-service', orders)])));
    urls = { customers: `http://127.0.0.1:${customers}`, orders: `http://127.0.0.1:${orders}`, views: `http://127.0.0.1:${views}` };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(
      children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once('exit', resolve), child.kill('SIGTERM'))))),
    );
    const connection = await mysql.createConnection(server);
    for (const db of ['customers', 'orders', 'order_history']) await connection.query(`DROP DATABASE IF EXISTS \`${run}_${db}\``);
    await connection.end();
  }, 60_000);

  it('runs the credit scenario across the services', async () => {
    await runCreditScenario(urls);
  }, 90_000);

  it('answers bad input with 400 and unknown ids with 404', async () => {
    await runValidationScenario(urls);
  }, 60_000);

  it('reads any body as JSON, and answers unknown routes with 404 and wrong methods with 405', async () => {
    await runRoutingScenario(urls);
  }, 60_000);

  it('keeps each database private: the order service stores no customer events', async () => {
    const { body } = await call(urls.customers, 'POST', '/customers', { name: 'Private', creditLimit: { amount: 5 } });
    await eventually(
      () => call(urls.orders, 'POST', '/orders', { customerId: body.customerId, orderTotal: { amount: 1 } }),
      (r) => r.status === 201,
    );
    const connection = await mysql.createConnection(`${server}/${run}_orders`);
    const [rows] = await connection.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM events WHERE entity_type = 'Customer'");
    await connection.end();
    expect(Number(rows[0].n)).toBe(0);
  }, 60_000);
});
