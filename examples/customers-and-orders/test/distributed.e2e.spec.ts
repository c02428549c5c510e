import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { scrapeMetrics } from './metrics-scrape';
import { call, eventually } from './http-client';
import { DistributedDeployment, startDistributed } from './distributed-deployment';
import { runCreditScenario, runRoutingScenario, runValidationScenario } from './scenario';

// `npm run start:distributed`: the three services as separate processes, over the real
// MariaDB and Kafka (started by `npm test`), each with its own database.
const server = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

/** What test-support's trace-to-file.js writes: one finished span of one process. */
interface WrittenSpan {
  readonly process: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly attributes: Record<string, unknown>;
}

describe('Customers & Orders as separate services over MySQL and Kafka', () => {
  let deployment: DistributedDeployment;
  // Every service runs with the OpenTelemetry SDK, as an application would; spans are written here.
  const traceFile = path.join(tmpdir(), `eventloom-traces-${process.pid}-${Date.now()}.jsonl`);
  const spans = (): WrittenSpan[] =>
    existsSync(traceFile) ? readFileSync(traceFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as WrittenSpan) : [];

  beforeAll(async () => {
    const preload = path.join(__dirname, '..', '..', '..', 'packages', 'test-support', 'src', 'trace-to-file.js');
    deployment = await startDistributed({ env: { NODE_OPTIONS: `--require ${preload}`, EVENTLOOM_TRACE_FILE: traceFile } });
  }, 120_000);

  afterAll(async () => {
    await deployment?.stop();
  }, 60_000);

  it('reads your writes across services: an order for a customer created a moment ago is accepted, right after the ready line', async () => {
    const { urls } = deployment;
    const customer = await call(urls.customers, 'POST', '/customers', { name: 'Quick', creditLimit: { amount: 100 } });
    expect(customer.status).toBe(201);
    const order = await call(urls.orders, 'POST', '/orders', { customerId: customer.body.customerId, orderTotal: { amount: 60 } });
    expect(order).toEqual({ status: 201, body: { orderId: expect.any(String) } });
    await eventually(() => call(urls.orders, 'GET', `/orders/${order.body.orderId}`), (r) => r.body.state === 'APPROVED');
  }, 60_000);

  it('answers GET /health (alive) and GET /health/ready (store, publisher, subscriptions) on each service', async () => {
    const { urls } = deployment;
    const subscribers = {
      [urls.customers]: ['customerWorkflow'],
      [urls.views]: ['orderHistory'],
      [urls.orders]: ['orderService.knownCustomers', 'orderWorkflow'],
    };
    for (const [url, ids] of Object.entries(subscribers)) {
      expect(await call(url, 'GET', '/health')).toEqual({ status: 200, body: { status: 'alive' } });
      const ready = await call(url, 'GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.ready).toBe(true);
      expect(ready.body.checks.map((c: { component: string }) => c.component).sort()).toEqual(
        ['publisher', 'store', ...ids.map((id) => `subscription ${id}`)].sort(),
      );
      expect(ready.body.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    }
  }, 60_000);

  it("traces one order's saga across the three services as one trace, each step's span a child of the step that caused it", async () => {
    const { urls } = deployment;
    const { body } = await call(urls.customers, 'POST', '/customers', { name: 'Traced', creditLimit: { amount: 100 } });
    const order = await call(urls.orders, 'POST', '/orders', { customerId: body.customerId, orderTotal: { amount: 60 } });
    await eventually(() => call(urls.orders, 'GET', `/orders/${order.body.orderId}`), (r) => r.body.state === 'APPROVED');
    const orderId = order.body.orderId as string;
    const inTrace = async (name: string, process: string) => {
      let found: WrittenSpan[] = [];
      await eventually(
        async () => spans(),
        (all) => {
          const created = all.find((s) => s.name === 'create Order' && s.attributes['eventloom.aggregate_id'] === orderId);
          found = created ? all.filter((s) => s.traceId === created.traceId && s.name === name && s.process === process) : [];
          return found.length > 0;
        },
      );
      expect(found).toHaveLength(1);
      return found[0];
    };
    const created = await inTrace('create Order', 'order-service');
    expect(created.parentSpanId).toBeUndefined(); // the HTTP request is not traced: the command starts the trace
    // customer service: OrderCreated reserves credit
    const reserveHandled = await inTrace('handle OrderCreated', 'customer-service');
    expect(reserveHandled.parentSpanId).toBe(created.spanId);
    const reserved = await inTrace('update Customer', 'customer-service');
    expect(reserved.parentSpanId).toBe(reserveHandled.spanId);
    // order service: CustomerCreditReserved approves the order
    const approveHandled = await inTrace('handle CustomerCreditReserved', 'order-service');
    expect(approveHandled.parentSpanId).toBe(reserved.spanId);
    const approved = await inTrace('update Order', 'order-service');
    expect(approved.parentSpanId).toBe(approveHandled.spanId);
    // the view's service: OrderApproved
    const viewed = await inTrace('handle OrderApproved', 'order-history-service');
    expect(viewed.parentSpanId).toBe(approved.spanId);
    expect(new Set([created, reserveHandled, approveHandled, viewed].map((s) => s.traceId)).size).toBe(1);
  });

  it('serves GET /metrics on each service: its publisher leads, and what it did is counted', async () => {
    const { urls } = deployment;
    const { body } = await call(urls.customers, 'POST', '/customers', { name: 'Metered', creditLimit: { amount: 100 } });
    const order = await call(urls.orders, 'POST', '/orders', { customerId: body.customerId, orderTotal: { amount: 60 } });
    await eventually(() => call(urls.orders, 'GET', `/orders/${order.body.orderId}`), (r) => r.body.state === 'APPROVED');
    const [customers, orders, views] = await Promise.all([urls.customers, urls.orders, urls.views].map(scrapeMetrics));
    for (const service of [customers, orders, views]) expect(service.value('eventloom_publisher_leader')).toBe(1);
    expect(customers.value('eventloom_subscriber_handled_total', { subscriber: 'customerWorkflow' })).toBeGreaterThan(0);
    expect(orders.value('eventloom_commands_total', { aggregate_type: 'Order', kind: 'create', outcome: 'ok' })).toBeGreaterThan(0);
    expect(orders.value('eventloom_subscriber_handled_total', { subscriber: 'orderWorkflow' })).toBeGreaterThan(0);
    expect(views.value('eventloom_subscriber_handled_total', { subscriber: 'orderHistory' })).toBeGreaterThan(0);
  });

  it('runs the credit scenario across the services', async () => {
    await runCreditScenario(deployment.urls);
  }, 90_000);

  it('answers bad input with 400 and unknown ids with 404', async () => {
    await runValidationScenario(deployment.urls);
  }, 60_000);

  it('reads any body as JSON, and answers unknown routes with 404 and wrong methods with 405', async () => {
    await runRoutingScenario(deployment.urls);
  }, 60_000);

  it('keeps each database private: the order service stores no customer events', async () => {
    const { urls } = deployment;
    const { body } = await call(urls.customers, 'POST', '/customers', { name: 'Private', creditLimit: { amount: 5 } });
    expect((await call(urls.orders, 'POST', '/orders', { customerId: body.customerId, orderTotal: { amount: 1 } })).status).toBe(201);
    const connection = await mysql.createConnection(`${server}/${deployment.databaseOf('orders')}`);
    const [rows] = await connection.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM events WHERE entity_type = 'Customer'");
    await connection.end();
    expect(Number(rows[0].n)).toBe(0);
  }, 60_000);
});
