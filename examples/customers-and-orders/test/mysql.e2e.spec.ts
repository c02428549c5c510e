import mysql from 'mysql2/promise';
import { silentLogger } from '@eventloom/core';
import { RunningApp, startApp } from '../src/app';
import { mysqlKafkaRuntime } from '../src/runtime/mysql-kafka-runtime';
import { MySqlOrderHistoryStore } from '../src/views/order-history/mysql-order-history.store';
import { runCreditScenario, runValidationScenario, ScenarioUrls } from './scenario';

// `EVENTLOOM_MYSQL_URL=... npm start`: one process, aggregates and view in MySQL, events through Kafka.
const run = `e2e_single_${Date.now().toString(36)}`;
const server = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

describe('Customers & Orders in one process on MySQL and Kafka', () => {
  let app: RunningApp;
  let urls: ScenarioUrls;

  beforeAll(async () => {
    const runtime = await mysqlKafkaRuntime({ mysqlUrl: `${server}/${run}`, topicPrefix: `${run}.`, groupIdPrefix: `${run}.`, logger: silentLogger });
    const orderHistory = new MySqlOrderHistoryStore(runtime.views);
    await orderHistory.migrate();
    app = await startApp(runtime.eventloom, orderHistory, 0, () => runtime.close());
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

  it('answers bad input with 400 and unknown ids with 404', async () => {
    await runValidationScenario(urls);
  }, 60_000);
});
