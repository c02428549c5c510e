import { PrivateMariaDb, startPrivateMariaDb } from '@eventloom/test-support';
import { eventually } from '@eventloom/testing';
import { DistributedDeployment, startDistributed } from './distributed-deployment';
import { CONVERGENCE_MS, expectConverged } from './convergence';
import { statusCounts } from './order-load';
import { createCustomers, expectOnlyExpectedAnswers, OUTAGE_MS, readiness, sleep, startOrderLoad, stopOrderLoads } from './fault-helpers';

// Faults are not poison: the three services under load while the database is gone for a
// while, on a MariaDB of this test's own (never the shared one).
afterEach(stopOrderLoads);

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
      const load = startOrderLoad(deployment.urls, customers);
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
    }, 150_000 + CONVERGENCE_MS);
  });
});
