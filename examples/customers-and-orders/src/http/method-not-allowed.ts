import { FastifyInstance, HTTPMethods } from 'fastify';
import { wrongMethodReply } from './error-replies';

const METHODS: HTTPMethods[] = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/**
 * Registers the routes, then answers the other methods on each of their paths
 * with 405 naming the method, where Fastify would answer 404: GET /customers
 * is a wrong method, not an unknown route.
 */
export async function answerWrongMethodsWith405(app: FastifyInstance, registerRoutes: (app: FastifyInstance) => void): Promise<void> {
  const methodsByUrl = new Map<string, Set<string>>();
  app.addHook('onRoute', ({ url, method }) => {
    const methods = methodsByUrl.get(url) ?? new Set<string>();
    for (const m of Array.isArray(method) ? method : [method]) methods.add(m);
    methodsByUrl.set(url, methods);
  });
  registerRoutes(app);
  await app.after(); // the routes of plugins are registered once the plugins load
  for (const [url, taken] of [...methodsByUrl]) {
    const others = METHODS.filter((m) => !taken.has(m));
    if (others.length === 0) continue;
    app.route({
      method: others,
      url,
      handler: (request, reply) => {
        const { status, body } = wrongMethodReply(request);
        return reply.code(status).send(body);
      },
    });
  }
}
