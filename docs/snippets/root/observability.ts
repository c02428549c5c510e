// The root README's "Metrics and traces": one service's metrics and traces, served on GET /metrics.
// Type-checked only: running it needs a MySQL server and a broker; the example's mysql-runtime.ts
// and metrics.routes.ts run the same wiring (tested in the example's e2e tests).
import Fastify from 'fastify';
import { Eventloom, instrumentations } from '@eventloom/core';
import { MySqlDeadLetterStore, MySqlEventStore } from '@eventloom/mysql';
import { KafkaTransport, startPublisher } from '@eventloom/kafka';
import { EventloomMetrics } from '@eventloom/prometheus';
import { EventloomTracing } from '@eventloom/opentelemetry';

export async function observedService(store: MySqlEventStore, deadLetters: MySqlDeadLetterStore) {
  // #region metrics-and-traces
  const metrics = new EventloomMetrics();          // @eventloom/prometheus; or { registry } of your own
  const tracing = new EventloomTracing();          // @eventloom/opentelemetry; spans go to your SDK's tracer
  const instrumentation = instrumentations(metrics, tracing);

  const publisher = await startPublisher({ pool: store.pool, instrumentation });
  const transport = new KafkaTransport({ publication: publisher });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters, instrumentation });
  metrics.watch(eventloom); // lag, repository counters, and the publisher's leadership and backlog, read at scrape time

  const app = Fastify();
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  // #endregion metrics-and-traces
  return { app, eventloom, publisher };
}
