import { PrivateKafka, PrivateMariaDb, startPrivateKafka, startPrivateMariaDb } from '@eventloom/test-support';
import { eventually } from '@eventloom/testing';
import { call } from './http-client';
import { DistributedDeployment, startDistributed } from './distributed-deployment';
import { Customer, expectConverged } from './convergence';
import { Answer, OrderLoad, statusCounts } from './order-load';

// Faults are not poison: the three services under load while the database, or the broker,
// is gone for a while. Each outage uses a server of this test's own (a private MariaDB, a
// private Kafka broker), never the shared ones.
const OUTAGE_MS = 8_000;
const sharedMySql = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

async function createCustomers(deployment: DistributedDeployment, count: number): Promise<Customer[]> {
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) {
    const { status, body } = await call(deployment.urls.customers, 'POST', '/customers', { name: `Load ${i}`, creditLimit: { amount: 500 } });
    expect(status).toBe(201);
    customers.push({ customerId: body.customerId, creditLimit: 500 });
  }
  return customers;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every answer must be, outage or not: accepted, refused by the model (cancel of a final order), or 503; never a 500, a hang or a dropped connection. */
function expectOnlyExpectedAnswers(answers: readonly Answer[]): void {
  const unexpected = answers.filter((a) => ![201, 200, 409, 503].includes(a.status));
  expect(unexpected).toEqual([]);
}

async function readiness(url: string): Promise<{ status: number; error?: string }> {
  const { status, body } = await call(url, 'GET', '/health/ready');
  return { status, error: body.error };
}

describe('Faults are not poison: the distributed example under load', () => {
  describe('MariaDB killed for 8 s', () => {
    let database: PrivateMariaDb;
    let deployment: DistributedDeployment;

    beforeAll(async () => {
      database = await startPrivateMariaDb();
      deployment = await startDistributed({ mysqlServer: database.url });
    }, 120_000);

    afterAll(async () => {
      await deployment?.stop().catch(() => undefined);
      await database?.destroy();
    }, 60_000);

    it('answers 503 at once during the outage, parks nothing, and converges afterwards', async () => {
      const customers = await createCustomers(deployment, 6);
      const load = new OrderLoad(deployment.urls, customers.map((c) => c.customerId));
      load.start();
      await eventually(() => load.accepted.length >= 20, 'orders accepted before the outage', 30_000);

      load.phase = 'outage';
      await database.kill();
      const readyDuringOutage = await readiness(deployment.urls.orders);
      await sleep(OUTAGE_MS);
      await database.start();
      load.phase = 'after';
      const before = load.accepted.length;
      await eventually(() => load.accepted.length >= before + 20, 'orders accepted after the outage', 60_000);
      await load.stop();

      const outage = load.in('outage');
      expect(statusCounts(outage)[503]).toBeGreaterThan(0);
      expect(outage.filter((a) => a.status === 503).every((a) => /unavailable/.test(a.error ?? ''))).toBe(true);
      // Quickly: no request waits for the database to come back.
      expect(Math.max(...outage.map((a) => a.ms))).toBeLessThan(3_000);
      expectOnlyExpectedAnswers(load.answers);
      expect(readyDuringOutage.status).toBe(503);
      expect(readyDuringOutage.error).toMatch(/store: unavailable/);

      await expectConverged(deployment, database.url, customers, load.accepted);
      for (const url of Object.values(deployment.urls)) expect((await readiness(url)).status).toBe(200);
    }, 180_000);
  });

  describe('the Kafka broker killed for 8 s', () => {
    let broker: PrivateKafka;
    let deployment: DistributedDeployment;

    beforeAll(async () => {
      broker = await startPrivateKafka();
      deployment = await startDistributed({ brokers: broker.brokers });
    }, 150_000);

    afterAll(async () => {
      await deployment?.stop().catch(() => undefined);
      await broker?.destroy();
    }, 60_000);

    it('keeps accepting orders (storing is publishing), is not ready during the outage, parks nothing, and converges afterwards', async () => {
      const customers = await createCustomers(deployment, 6);
      const load = new OrderLoad(deployment.urls, customers.map((c) => c.customerId));
      load.start();
      await eventually(() => load.accepted.length >= 20, 'orders accepted before the outage', 30_000);

      load.phase = 'outage';
      await broker.kill();
      let notReady: { status: number; error?: string } | undefined;
      const outageEnds = Date.now() + OUTAGE_MS;
      while (Date.now() < outageEnds) {
        const answer = await readiness(deployment.urls.orders);
        if (answer.status !== 200) notReady ??= answer;
        await sleep(500);
      }
      await broker.start();
      load.phase = 'after';
      await eventually(
        async () => (await Promise.all(Object.values(deployment.urls).map(readiness))).every((r) => r.status === 200),
        'all three services ready again',
        90_000,
        500,
      );
      await sleep(2_000);
      await load.stop();

      expect(statusCounts(load.in('outage'))[201]).toBeGreaterThan(0);
      expectOnlyExpectedAnswers(load.answers);
      expect(notReady).toMatchObject({ status: 503, error: expect.stringMatching(/subscription/) });

      await expectConverged(deployment, sharedMySql, customers, load.accepted);
    }, 240_000);
  });
});
