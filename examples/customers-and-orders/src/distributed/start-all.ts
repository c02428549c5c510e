import { ChildProcess, execFileSync, fork } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run start:distributed`: makes sure MariaDB and a Kafka broker answer
 * (starting them when needed), then runs the three services as separate
 * processes, each with its own database and an in-process publisher.
 */
if ((process.env.SAGA_STYLE ?? 'choreography') !== 'choreography') {
  console.error(`SAGA_STYLE=${process.env.SAGA_STYLE}: the distributed example runs the choreography only so far (orchestration runs embedded: SAGA_STYLE=orchestration npm start).`);
  process.exit(1);
}
const root = path.resolve(__dirname, '..', '..', '..', '..');
execFileSync('bash', [path.join(root, 'scripts', 'ensure-mariadb.sh')], { stdio: 'inherit' });
if (!process.env.KAFKA_BROKERS) execFileSync('bash', [path.join(root, 'scripts', 'kafka.sh'), 'ensure'], { stdio: 'inherit' });

const services = ['customer-service', 'order-history-service', 'order-service'];
const children: ChildProcess[] = services.map((name) => fork(path.join(__dirname, `${name}.js`), { stdio: 'inherit' }));
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
console.log('Customers & Orders, distributed: customers on :8081, order-history view on :8082, orders on :8083');
