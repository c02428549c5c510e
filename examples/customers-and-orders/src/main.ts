import 'reflect-metadata';
import { embeddedEventloom } from '@eventloom/in-memory';
import { startApp } from './app';
import { startMySqlApp } from './mysql-app';
import { startOrchestratedApp } from './orchestration/orchestrated-app';
import { startMySqlOrchestratedApp } from './orchestration/mysql-orchestrated-app';
import { InMemoryOrdersTable } from './orchestration/in-memory-orders-table';
import { embeddedMessaging } from '@eventloom/in-memory';
import { InMemoryOrderHistoryStore } from './views/order-history/in-memory-order-history.store';
import { mysqlRuntime } from './runtime/mysql-runtime';
import type { TopicNaming } from '@eventloom/kafka';
import { EventloomMetrics } from '@eventloom/prometheus';

/**
 * `npm start`: the example in one process, on the embedded runtime; with
 * EVENTLOOM_MYSQL_URL set, its aggregates and view live in MySQL, and its
 * events are delivered in process, or through Kafka when KAFKA_BROKERS is set.
 */
async function main(): Promise<void> {
  const port = parsePort(process.env.PORT ?? '8080');
  const mysqlUrl = process.env.EVENTLOOM_MYSQL_URL;
  const sagaStyle = process.env.SAGA_STYLE ?? 'choreography';
  if (sagaStyle !== 'choreography' && sagaStyle !== 'orchestration') {
    throw new Error(`SAGA_STYLE must be 'choreography' (the default) or 'orchestration', got '${sagaStyle}'.`);
  }
  let app;
  const runtime = mysqlUrl ? await mysqlRuntime({ mysqlUrl, brokers: process.env.KAFKA_BROKERS, topicNaming: process.env.EVENTLOOM_TOPIC_NAMING as TopicNaming | undefined }) : undefined;
  const via = runtime?.delivery === 'kafka' ? `through Kafka at ${process.env.KAFKA_BROKERS}` : 'in process';
  if (sagaStyle === 'orchestration' && runtime) {
    app = await startMySqlOrchestratedApp(runtime, port);
    console.log(`Customers & Orders (MySQL ${runtime.store.url}, orchestrated sagas, messages delivered ${via}) listening on ${app.url}`);
  } else if (sagaStyle === 'orchestration') {
    const eventloom = embeddedEventloom();
    app = await startOrchestratedApp({ eventloom, messaging: embeddedMessaging(eventloom), orders: new InMemoryOrdersTable(), orderHistory: new InMemoryOrderHistoryStore() }, port);
    console.log(`Customers & Orders (embedded, in memory, orchestrated sagas) listening on ${app.url}`);
  } else if (runtime) {
    app = await startMySqlApp(runtime, port);
    console.log(`Customers & Orders (MySQL ${runtime.store.url}, events delivered ${via}) listening on ${app.url}`);
  } else {
    const metrics = new EventloomMetrics();
    const eventloom = embeddedEventloom({ instrumentation: metrics });
    app = await startApp(eventloom, new InMemoryOrderHistoryStore(), port, undefined, metrics.watch(eventloom));
    console.log(`Customers & Orders (embedded, in memory) listening on ${app.url}`);
  }
  console.log(`  try: curl -s -XPOST ${app.url}/customers -H 'content-type: application/json' -d '{"name":"Fred","creditLimit":{"amount":1000}}'`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got '${value}'.`);
  }
  return port;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
