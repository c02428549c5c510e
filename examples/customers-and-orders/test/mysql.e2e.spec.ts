import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { silentLogger } from '@eventloom/core';
import { RunningApp, startApp } from '../src/app';
import { scrapeMetrics } from './metrics-scrape';
import { call, eventually } from './http-client';
import { mysqlRuntime } from '../src/runtime/mysql-runtime';
import { MySqlOrderHistoryStore } from '../src/views/order-history/mysql-order-history.store';
import { runCreditScenario, runRoutingScenario, runValidationScenario, ScenarioUrls } from './scenario';

// `EVENTLOOM_MYSQL_URL=... npm start`: one process, aggregates and view in MySQL; events delivered
// in process, or through Kafka with KAFKA_BROKERS.
const server = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

describe.each([
  ['in process', undefined],
  ['through Kafka', process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'],
])('Customers & Orders in one process on MySQL, events delivered %s', (_delivery, brokers) => {
  const run = `e2e_single_${brokers ? 'kafka' : 'local'}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let app: RunningApp;
  let urls: ScenarioUrls;

  beforeAll(async () => {
    const runtime = await mysqlRuntime({ mysqlUrl: `${server}/${run}`, brokers, topicPrefix: `${run}.`, groupIdPrefix: `${run}.`, logger: silentLogger });
    expect(runtime.delivery).toBe(brokers ? 'kafka' : 'in-process');
    const orderHistory = new MySqlOrderHistoryStore(runtime.views);
    await orderHistory.migrate();
    app = await startApp(runtime.eventloom, orderHistory, 0, () => runtime.close(), runtime.metrics);
    urls = { customers: app.url, orders: app.url, views: app.url };
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    const connection = await mysql.createConnection(server);
    await connection.query(`DROP DATABASE IF EXISTS \`${run}\``);
    await connection.end();
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
