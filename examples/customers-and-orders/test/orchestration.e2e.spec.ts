import { embeddedEventloom } from '@eventloom/in-memory';
import { silentLogger } from '@eventloom/core';
import { RunningApp } from '../src/app';
import { startOrchestratedApp } from '../src/orchestration/orchestrated-app';
import { InMemoryOrderHistoryStore } from '../src/views/order-history/in-memory-order-history.store';
import { call, eventually } from './http-client';
import { runCreditScenario, runRoutingScenario, runValidationScenario, ScenarioUrls } from './scenario';

describe('Customers & Orders over HTTP, SAGA_STYLE=orchestration, embedded', () => {
  let app: RunningApp;
  let urls: ScenarioUrls;

  beforeEach(async () => {
    app = await startOrchestratedApp(embeddedEventloom({ logger: silentLogger }), new InMemoryOrderHistoryStore(), 0);
    urls = { customers: app.url, orders: app.url, views: app.url };
  });
  afterEach(() => app.close());

  it('runs the same scenario: approves what fits the credit limit, rejects what does not, and releases credit on cancel', async () => {
    await runCreditScenario(urls);
  });

  it('answers bad input with 400 naming the field and unknown ids with 404', async () => {
    await runValidationScenario(urls);
  });

  it('reads any body as JSON, and answers unknown routes with 404 and wrong methods with 405', async () => {
    await runRoutingScenario(urls);
  });

  it('approves exactly 10 of 50 concurrent orders of 100 against a limit of 1000', async () => {
    const { body } = await call(app.url, 'POST', '/customers', { name: 'Busy', creditLimit: { amount: 1000 } });
    const orders = await Promise.all(
      Array.from({ length: 50 }, () => call(app.url, 'POST', '/orders', { customerId: body.customerId, orderTotal: { amount: 100 } })),
    );
    const states = await Promise.all(
      orders.map((o) => eventually(() => call(app.url, 'GET', `/orders/${o.body.orderId}`), (r) => r.body.state !== 'PENDING').then((r) => r.body.state)),
    );
    expect(states.filter((s) => s === 'APPROVED')).toHaveLength(10);
    expect(states.filter((s) => s === 'REJECTED')).toHaveLength(40);
    expect((await call(app.url, 'GET', `/customers/${body.customerId}`)).body.availableCredit).toEqual({ amount: 0 });
  });

  it('refuses to cancel an order that was rejected, and changes nothing', async () => {
    const { body: customer } = await call(app.url, 'POST', '/customers', { name: 'Low', creditLimit: { amount: 10 } });
    const { body: order } = await call(app.url, 'POST', '/orders', { customerId: customer.customerId, orderTotal: { amount: 50 } });
    const rejected = await eventually(() => call(app.url, 'GET', `/orders/${order.orderId}`), (r) => r.body.state === 'REJECTED');
    expect(rejected.body.rejectionReason).toBe('insufficient credit: order total 50, available 10');
    expect((await call(app.url, 'POST', `/orders/${order.orderId}/cancel`)).status).toBe(409);
    expect((await call(app.url, 'GET', `/orders/${order.orderId}`)).body.state).toBe('REJECTED');
  });
});
