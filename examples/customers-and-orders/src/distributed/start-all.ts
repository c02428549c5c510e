import { ChildProcess, execFileSync, fork } from 'node:child_process';
import path from 'node:path';
import { sleep } from '@eventloom/core/spi';
import { sagaStyle } from './service-config';

/**
 * `npm run start:distributed`: makes sure MariaDB and a Kafka broker answer
 * (starting them when needed), then runs the three services as separate
 * processes, each with its own database and an in-process publisher, and
 * says so once all three answer GET /health/ready. PORT moves them: the
 * customer service listens on PORT (default 8081), the view on PORT+1, the
 * orders on PORT+2. SAGA_STYLE=orchestration: the order service keeps an
 * `orders` table and sagas, and commands the customer service over Kafka.
 */
let style: string;
try {
  style = sagaStyle(process.env.SAGA_STYLE ?? 'choreography');
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const root = path.resolve(__dirname, '..', '..', '..', '..');
execFileSync('bash', [path.join(root, 'scripts', 'ensure-mariadb.sh')], { stdio: 'inherit' });
if (!process.env.KAFKA_BROKERS) execFileSync('bash', [path.join(root, 'scripts', 'kafka.sh'), 'ensure'], { stdio: 'inherit' });

const base = Number(process.env.PORT ?? 8081);
if (!Number.isInteger(base) || base < 1 || base > 65533) throw new Error(`PORT must be an integer between 1 and 65533 (the first of three ports), got '${process.env.PORT}'.`);
const services = [
  { name: 'customer-service', what: 'customers', port: base },
  { name: 'order-history-service', what: 'order-history view', port: base + 1 },
  { name: 'order-service', what: 'orders', port: base + 2 },
];
const children: ChildProcess[] = services.map(({ name, port }) =>
  fork(path.join(__dirname, `${name}.js`), { stdio: 'inherit', env: { ...process.env, PORT: String(port) } }),
);
let stopping = false;
const stopAll = () => {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
};
for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`a service exited (code ${code}); stopping the others`);
      stopAll();
      process.exitCode = 1;
    }
  });
}
process.once('SIGINT', stopAll);
process.once('SIGTERM', stopAll);

/** Polls GET /health/ready until it answers 200; says once a minute what it still waits for. */
async function ready(url: string): Promise<void> {
  let lastSaid = Date.now();
  let reason = 'not listening yet';
  while (!stopping) {
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return;
      reason = ((await response.json()) as { error: string }).error;
    } catch {
      reason = 'not listening yet';
    }
    if (Date.now() - lastSaid > 60_000) {
      console.log(`still waiting for ${url}: ${reason}`);
      lastSaid = Date.now();
    }
    await sleep(200);
  }
}

void Promise.all(services.map(({ port }) => ready(`http://127.0.0.1:${port}`))).then(() => {
  if (stopping) return;
  const where = services.map(({ what, port }) => `${what} on :${port}`).join(', ');
  console.log(`Customers & Orders, distributed, ready (${style}): ${where}`);
});
