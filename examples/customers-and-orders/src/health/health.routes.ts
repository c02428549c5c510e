import { FastifyPluginAsync } from 'fastify';
import { Eventloom, HealthReport } from '@eventloom/core';

/**
 * Probes for an orchestrator: GET /health answers 200 while the process
 * serves HTTP (alive); GET /health/ready answers 200 when the service can do
 * its work (its store answers, its subscriptions are joined and advancing,
 * its publisher has a leader) and 503 naming what is not, with every check.
 */
export const healthRoutes: FastifyPluginAsync<{ eventloom: Eventloom }> = async (app, { eventloom }) => {
  app.get('/health', async () => ({ status: 'alive' }));

  app.get('/health/ready', async (_request, reply) => {
    const { ready, checks } = await eventloom.health();
    if (ready) return { ready, checks };
    return reply.code(503).send({ error: `Not ready: ${whatIsNotReady({ ready, checks })}.`, ready, checks });
  });
};

/** The failing checks of a report, in one line: 'store: unavailable: ...; subscription x: not joined yet'. */
export function whatIsNotReady({ checks }: HealthReport): string {
  return checks
    .filter((c) => !c.ok)
    .map((c) => `${c.component}: ${c.detail}`)
    .join('; ');
}
