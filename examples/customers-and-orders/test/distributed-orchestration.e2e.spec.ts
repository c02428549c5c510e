import mysql from 'mysql2/promise';
import { call, eventually } from './http-client';
import { DistributedDeployment, startDistributed } from './distributed-deployment';
import { runCreditScenario, runRoutingScenario, runValidationScenario } from './scenario';
import { runConcurrentOrdersScenario, runRefusedCancelScenario } from './orchestration-scenarios';

// `SAGA_STYLE=orchestration npm run start:distributed`: the order service's sagas command the
// customer service over Kafka; each service in its own database.
const server = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

describe('Customers & Orders as separate services, SAGA_STYLE=orchestration, over MySQL and Kafka', () => {
  let deployment: DistributedDeployment;

  beforeAll(async () => {
    deployment = await startDistributed({ env: { SAGA_STYLE: 'orchestration' } });
    expect(deployment.output()).toContain('distributed, ready (orchestration)');
  }, 120_000);

  afterAll(async () => {
    await deployment?.stop();
  }, 60_000);

  it('runs the credit scenario across the services', async () => {
    await runCreditScenario(deployment.urls);
  }, 90_000);

  it('answers bad input with 400 and unknown ids with 404', async () => {
    await runValidationScenario(deployment.urls);
  }, 60_000);

  it('reads any body as JSON, and answers unknown routes with 404 and wrong methods with 405', async () => {
    await runRoutingScenario(deployment.urls);
  }, 60_000);

  it('approves exactly 10 of 50 concurrent orders of 100 against a limit of 1000', async () => {
    await runConcurrentOrdersScenario(deployment.urls);
  }, 120_000);

  it('refuses to cancel an order that was rejected, and changes nothing', async () => {
    await runRefusedCancelScenario(deployment.urls);
  }, 60_000);

  it('keeps orders in the order service\'s orders table and credit in the customer service\'s events, each database private', async () => {
    const { urls } = deployment;
    const { body } = await call(urls.customers, 'POST', '/customers', { name: 'Private', creditLimit: { amount: 5 } });
    const order = await call(urls.orders, 'POST', '/orders', { customerId: body.customerId, orderTotal: { amount: 1 } });
    await eventually(() => call(urls.orders, 'GET', `/orders/${order.body.orderId}`), (r) => r.body.state === 'APPROVED');
    const count = async (database: string, sql: string, values: unknown[]) => {
      const connection = await mysql.createConnection(`${server}/${database}`);
      try {
        const [rows] = await connection.query<mysql.RowDataPacket[]>(sql, values);
        return Number(rows[0].n);
      } finally {
        await connection.end();
      }
    };
    const orders = deployment.databaseOf('orders');
    const customers = deployment.databaseOf('customers');
    expect(await count(orders, "SELECT COUNT(*) AS n FROM orders WHERE order_id = ? AND state = 'APPROVED'", [order.body.orderId])).toBe(1);
    expect(await count(orders, "SELECT COUNT(*) AS n FROM saga_instance WHERE saga_id = ? AND status = 'COMPLETED'", [order.body.orderId])).toBe(1);
    expect(await count(orders, "SELECT COUNT(*) AS n FROM events WHERE entity_type = 'Customer'", [])).toBe(0);
    expect(await count(customers, "SELECT COUNT(*) AS n FROM events WHERE entity_type = 'Customer' AND entity_id = ? AND event_type LIKE '%CreditReserved%'", [body.customerId])).toBe(1);
    expect(await count(customers, "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = 'orders'", [customers])).toBe(0);
  }, 60_000);
});
