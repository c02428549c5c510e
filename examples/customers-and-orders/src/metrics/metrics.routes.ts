import { FastifyPluginAsync } from 'fastify';
import { EventloomMetrics } from '@eventloom/prometheus';

/** GET /metrics: the service's Eventloom metrics in Prometheus' exposition format, for a scraper. */
export const metricsRoutes: FastifyPluginAsync<{ metrics: EventloomMetrics }> = async (app, { metrics }) => {
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
};
