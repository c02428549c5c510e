import { PrivateKafka, startPrivateKafka } from '@eventloom/test-support';
import { eventually } from '@eventloom/testing';
import { DistributedDeployment, startDistributed } from './distributed-deployment';
import { CONVERGENCE_MS, expectConverged } from './convergence';
import { statusCounts } from './order-load';
import { createCustomers, expectOnlyExpectedAnswers, OUTAGE_MS, readiness, sharedMySql, sleep, startOrderLoad, stopOrderLoads } from './fault-helpers';

// The broker outage, on a Kafka broker of this test's own (never the shared one): about 2 minutes
// (a broker start, then a restart after SIGKILL). What it needed from the framework: a subscription
// rejoins its group after any consumer crash (kafkajs gives up on some), and a service starting
// next to others waits for the partition leaders of topics they just created.
afterEach(stopOrderLoads);

describe('Faults are not poison: the distributed example under load', () => {
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
      const load = startOrderLoad(deployment.urls, customers);
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
    }, 150_000 + CONVERGENCE_MS);
  });
});
