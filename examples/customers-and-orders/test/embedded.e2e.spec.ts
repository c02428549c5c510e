import { embeddedEventloom, InMemoryDeadLetterStore, InMemoryEventStore, InMemoryTransport } from '@eventloom/in-memory';
import { Eventloom, silentLogger } from '@eventloom/core';
import { RunningApp, startApp } from '../src/app';
import { InMemoryOrderHistoryStore } from '../src/views/order-history/in-memory-order-history.store';
import { call, eventually } from './http-client';
import { EventloomMetrics } from '@eventloom/prometheus';
import { scrapeMetrics } from './metrics-scrape';
import { runCreditScenario, runRoutingScenario, runValidationScenario, ScenarioUrls } from './scenario';

describe('Customers & Orders over HTTP, embedded runtime', () => {
  let app: RunningApp;
  let urls: ScenarioUrls;

  beforeEach(async () => {
    app = await startApp(embeddedEventloom({ logger: silentLogger }), new InMemoryOrderHistoryStore(), 0);
    urls = { customers: app.url, orders: app.url, views: app.url };
  });
  afterEach(() => app.close());

  it('approves what fits the credit limit, rejects what does not, and releases credit on cancel', async () => {
    await runCreditScenario(urls);
  });

  it('answers bad input with 400 naming the field and unknown ids with 404', async () => {
    await runValidationScenario(urls);
  });

  it('reads any body as JSON, and answers unknown routes with 404 and wrong methods with 405', async () => {
    await runRoutingScenario(urls);
  });

  it('writes nothing for bad input', async () => {
    const eventStore = new InMemoryEventStore();
    const append = jest.spyOn(eventStore, 'append');
    const eventloom = new Eventloom({ eventStore, transport: new InMemoryTransport(eventStore), deadLetters: new InMemoryDeadLetterStore(), logger: silentLogger });
    const guarded = await startApp(eventloom, new InMemoryOrderHistoryStore(), 0);
    try {
      const bad = [
        await call(guarded.url, 'POST', '/customers', { name: 'A', creditLimit: { amount: '5' } }),
        await call(guarded.url, 'POST', '/customers', '{"name": "A", '),
        await call(guarded.url, 'POST', '/orders', { customerId: 'no-such-customer', orderTotal: { amount: 5 } }),
        await call(guarded.url, 'POST', '/orders', { customerId: 'no-such-customer', orderTotal: { amount: -5 } }),
      ];
      expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400]);
      expect(append).not.toHaveBeenCalled();
      // The spy does see writes: one good request appends.
      expect((await call(guarded.url, 'POST', '/customers', { name: 'A', creditLimit: { amount: 5 } })).status).toBe(201);
      expect(append).toHaveBeenCalled();
    } finally {
      await guarded.close();
    }
  });

  it('neither loses nor double-counts reservations when many orders of one customer race', async () => {
    const { body } = await call(app.url, 'POST', '/customers', { name: 'Busy', creditLimit: { amount: 1000 } });
    const orders = await Promise.all(
      Array.from({ length: 30 }, () => call(app.url, 'POST', '/orders', { customerId: body.customerId, orderTotal: { amount: 100 } })),
    );
    const states = await Promise.all(
      orders.map((o) =>
        eventually(
          () => call(app.url, 'GET', `/orders/${o.body.orderId}`),
          (r) => r.body.state !== 'PENDING',
        ).then((r) => r.body.state),
      ),
    );
    expect(states.filter((s) => s === 'APPROVED')).toHaveLength(10);
    expect(states.filter((s) => s === 'REJECTED')).toHaveLength(20);
    const customer = await call(app.url, 'GET', `/customers/${body.customerId}`);
    expect(customer.body.availableCredit).toEqual({ amount: 0 });
  });

  it('refuses to cancel an order that was rejected, and changes nothing', async () => {
    const { body: customer } = await call(app.url, 'POST', '/customers', { name: 'Low', creditLimit: { amount: 10 } });
    const { body: order } = await call(app.url, 'POST', '/orders', { customerId: customer.customerId, orderTotal: { amount: 50 } });
    await eventually(() => call(app.url, 'GET', `/orders/${order.orderId}`), (r) => r.body.state === 'REJECTED');
    const cancel = await call(app.url, 'POST', `/orders/${order.orderId}/cancel`);
    expect(cancel.status).toBe(409);
    expect((await call(app.url, 'GET', `/orders/${order.orderId}`)).body.state).toBe('REJECTED');
  });

  it('serves GET /metrics: the commands run and the events each subscriber handled, in the exposition format', async () => {
    const metrics = new EventloomMetrics();
    const eventloom = embeddedEventloom({ logger: silentLogger, instrumentation: metrics });
    const observed = await startApp(eventloom, new InMemoryOrderHistoryStore(), 0, undefined, metrics.watch(eventloom));
    try {
      const { body: customer } = await call(observed.url, 'POST', '/customers', { name: 'Metered', creditLimit: { amount: 100 } });
      const { body: order } = await call(observed.url, 'POST', '/orders', { customerId: customer.customerId, orderTotal: { amount: 60 } });
      await eventually(() => call(observed.url, 'GET', `/orders/${order.orderId}`), (r) => r.body.state === 'APPROVED');
      await eventloom.caughtUp();
      const scraped = await scrapeMetrics(observed.url);
      expect(scraped.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(scraped.value('eventloom_commands_total', { aggregate_type: 'Customer', kind: 'create', outcome: 'ok' })).toBe(1);
      expect(scraped.value('eventloom_commands_total', { aggregate_type: 'Order', kind: 'create', outcome: 'ok' })).toBe(1);
      // The view handled CustomerCreated, OrderCreated and OrderApproved; each workflow the one event of its step.
      expect(scraped.value('eventloom_subscriber_handled_total', { subscriber: 'orderHistory' })).toBe(3);
      expect(scraped.value('eventloom_subscriber_handled_total', { subscriber: 'customerWorkflow' })).toBe(1);
      expect(scraped.value('eventloom_subscriber_handled_total', { subscriber: 'orderWorkflow' })).toBe(1);
      expect(scraped.value('eventloom_subscriber_parked_total', { subscriber: 'orderHistory' })).toBeUndefined();
      expect(scraped.value('eventloom_subscriber_lag_events', { subscriber: 'orderWorkflow' })).toBe(0);
    } finally {
      await observed.close();
    }
  });
});
