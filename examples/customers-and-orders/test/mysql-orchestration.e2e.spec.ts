import { RowDataPacket } from 'mysql2/promise';
import { silentLogger } from '@eventloom/core';
import { mysqlMessaging } from '@eventloom/mysql';
import { eventually } from '@eventloom/testing';
import { RunningApp } from '../src/app';
import { Customer } from '../src/customers/customer.aggregate';
import { CustomerCommandHandlers } from '../src/orchestration/customer-command-handlers';
import { call } from './http-client';
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
  const closing: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closing.reverse()) await close();
    await run.drop();
  }, 60_000);

  it("shows the saga awaiting the customer service, rejects the order with the timeout's reason, and releases the credit the customer service reserves once back", async () => {
    const app = await startMySqlOrchestratedApp(await run.runtime(), 0, { customerCommands: false, reserveCreditTimeoutMs: 2_000 });
    closing.push(() => app.close());
    const urls = { customers: app.url, orders: app.url, views: app.url };
    const { customerId, orderId } = await runTimeoutScenario(urls, 2_000);

    // The customer service comes back: it reserves late (the command waited in the channel), then the saga's release undoes it.
    const late = await run.runtime();
    const messaging = mysqlMessaging(late.eventloom, { logger: silentLogger });
    closing.push(async () => {
      await messaging.close();
      await late.close();
    });
    await messaging.handleCommands(new CustomerCommandHandlers());
    await eventually(async () => (await late.eventloom.repository.find(Customer, customerId)).aggregate.releasedOrders.includes(orderId), 'the late reservation released', 30_000);
    const [events] = await late.store.pool.query<RowDataPacket[]>("SELECT event_type FROM events WHERE entity_type = 'Customer' AND entity_id = ? ORDER BY id", [customerId]);
    expect(events.map((e) => e.event_type)).toEqual(['CustomerCreated', 'CustomerCreditReserved', 'CustomerCreditReleased']);
    expect((await call(app.url, 'GET', `/customers/${customerId}`)).body.availableCredit).toEqual({ amount: 1000 });
    const sagaStatus = async () =>
      (await late.store.pool.query<RowDataPacket[]>("SELECT status FROM saga_instance WHERE saga_type = 'CreateOrderSaga' AND saga_id = ?", [orderId]))[0][0]?.status;
    await eventually(async () => (await sagaStatus()) === 'COMPENSATED', 'the saga COMPENSATED once the release is answered', 30_000);
    expect((await call(app.url, 'GET', `/orders/${orderId}`)).body.state).toBe('REJECTED');
  }, 90_000);
});
