import { RunningApp, startApp } from '../src/app';
import { scrapeMetrics } from './metrics-scrape';
import { call, eventually } from './http-client';
import { MySqlOrderHistoryStore } from '../src/views/order-history/mysql-order-history.store';
import { runCreditScenario, runRoutingScenario, runValidationScenario, ScenarioUrls } from './scenario';
import { DELIVERIES, mysqlRun } from './mysql-run';

describe.each(DELIVERIES)('Customers & Orders in one process on MySQL, events delivered %s', (_delivery, brokers) => {
  const run = mysqlRun('single', brokers);
  let app: RunningApp;
  let urls: ScenarioUrls;

  beforeAll(async () => {
    const runtime = await run.runtime();
    const orderHistory = new MySqlOrderHistoryStore(runtime.views);
    await orderHistory.migrate();
    app = await startApp(runtime.eventloom, orderHistory, 0, () => runtime.close(), runtime.metrics);
    urls = { customers: app.url, orders: app.url, views: app.url };
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await run.drop();
  }, 60_000);

  it('runs the credit scenario with the same REST behaviour as embedded mode', async () => {
    await runCreditScenario(urls);
  }, 90_000);

  it('serves GET /metrics with its publisher leading and every event handled', async () => {
    const { body } = await call(app.url, 'POST', '/customers', { name: 'Metered', creditLimit: { amount: 5 } });
    await eventually(() => call(app.url, 'GET', `/views/customers/${body.customerId}`), (r) => r.status === 200);
    const scraped = await scrapeMetrics(app.url);
    expect(scraped.value('eventloom_publisher_leader')).toBe(1);
    expect(scraped.value('eventloom_publisher_published_events_total')).toBeGreaterThan(0);
    expect(scraped.value('eventloom_commands_total', { aggregate_type: 'Customer', kind: 'create', outcome: 'ok' })).toBeGreaterThan(0);
    expect(scraped.value('eventloom_subscriber_handled_total', { subscriber: 'orderHistory' })).toBeGreaterThan(0);
  }, 60_000);

  it('answers bad input with 400 and unknown ids with 404', async () => {
    await runValidationScenario(urls);
  }, 60_000);

  it('reads any body as JSON, and answers unknown routes with 404 and wrong methods with 405', async () => {
    await runRoutingScenario(urls);
  }, 60_000);
});
