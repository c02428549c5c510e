import { RunningApp } from '../src/app';
import { startMySqlOrchestratedApp } from '../src/orchestration/mysql-orchestrated-app';
import { runCreditScenario, runRoutingScenario, runValidationScenario, ScenarioUrls } from './scenario';
import { runConcurrentOrdersScenario, runRefusedCancelScenario, runTimeoutScenario } from './orchestration-scenarios';
import { DELIVERIES, mysqlRun } from './mysql-run';

// `SAGA_STYLE=orchestration EVENTLOOM_MYSQL_URL=... npm start`: the orders table, outbox and saga
// instances in one MySQL database, messages delivered in process or through Kafka.
describe.each(DELIVERIES)('Customers & Orders, SAGA_STYLE=orchestration, in one process on MySQL, messages delivered %s', (_delivery, brokers) => {
  const run = mysqlRun('orch', brokers);
  let app: RunningApp;
  let urls: ScenarioUrls;

  beforeAll(async () => {
    app = await startMySqlOrchestratedApp(await run.runtime(), 0);
    urls = { customers: app.url, orders: app.url, views: app.url };
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await run.drop();
  }, 60_000);

  it('runs the same scenario: approves what fits the credit limit, rejects what does not, and releases credit on cancel', async () => {
    await runCreditScenario(urls);
  }, 90_000);

  it('answers bad input with 400 naming the field and unknown ids with 404', async () => {
    await runValidationScenario(urls);
  }, 60_000);

  it('reads any body as JSON, and answers unknown routes with 404 and wrong methods with 405', async () => {
    await runRoutingScenario(urls);
  }, 60_000);

  it('approves exactly 10 of 50 concurrent orders of 100 against a limit of 1000', async () => {
    await runConcurrentOrdersScenario(urls);
  }, 90_000);

  it('refuses to cancel an order that was rejected, and changes nothing', async () => {
    await runRefusedCancelScenario(urls);
  }, 60_000);
});

describe('SAGA_STYLE=orchestration on MySQL, with the customer service answering no commands', () => {
  const run = mysqlRun('orch_timeout', undefined);
  let app: RunningApp | undefined;
  afterAll(async () => {
    await app?.close();
    await run.drop();
  }, 60_000);

  it("shows the saga awaiting the customer service, then rejects the order with the timeout's reason", async () => {
    app = await startMySqlOrchestratedApp(await run.runtime(), 0, { customerCommands: false, reserveCreditTimeoutMs: 2_000 });
    await runTimeoutScenario({ customers: app.url, orders: app.url, views: app.url }, 2_000);
  }, 60_000);
});
