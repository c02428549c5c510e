import Fastify, { FastifyInstance } from 'fastify';
import { jsonBody } from './json-body';
import { errorReply, noRouteReply } from './error-replies';
import { describeValidationErrors } from './validation-messages';
import { answerWrongMethodsWith405 } from './method-not-allowed';

/**
 * A Fastify app that speaks JSON the way the example's API promises: every
 * body is read as JSON whatever its content type (so `curl -d` works), bad
 * input gets 400 {"error"} naming the field, and errors of the model map to
 * 404/409/503. `registerRoutes` adds the slices' routes (plugins).
 */
export async function jsonApi(registerRoutes: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // Answer HEAD and wrong methods with 405, as the API always did, rather than Fastify's automatic HEAD routes.
    exposeHeadRoutes: false,
    routerOptions: { ignoreTrailingSlash: true },
    // close() ends kept-alive connections too, so that stopping a service never waits on a client.
    forceCloseConnections: true,
    ajv: {
      customOptions: {
        // A string where a number belongs is bad input, not something to convert.
        coerceTypes: false,
        // Errors carry their schema, so that a message can say what the field must be.
        verbose: true,
        // 0.07 / 0.01 is 7.000000000000001 in floating point: still two decimal places.
        multipleOfPrecision: 9,
      },
    },
    schemaErrorFormatter: describeValidationErrors,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, jsonBody(app));
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorReply(error, request);
    if (status === 503) outageLog(body.error);
    else if (status >= 500) console.error(error);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = noRouteReply(request);
    return reply.code(status).send(body);
  });
  await answerWrongMethodsWith405(app, registerRoutes);
  return app;
}

let lastOutageLine = 0;

/** One line per outage, not a stack per request: at most one every 10 s while requests keep failing. */
function outageLog(reason: string): void {
  const now = Date.now();
  if (now - lastOutageLine < 10_000) return;
  lastOutageLine = now;
  console.warn(`answering 503: ${reason}`);
}
