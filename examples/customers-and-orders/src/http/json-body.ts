import { FastifyBodyParser, FastifyInstance } from 'fastify';
import { badRequest } from './error-replies';

/**
 * Reads any request body as JSON, whatever its content type: `curl -d` sends
 * application/x-www-form-urlencoded. An empty body stays undefined (the route's
 * schema then says what is missing); Fastify's own parser does the parsing, so
 * its guard against `__proto__` keys applies.
 */
export function jsonBody(app: FastifyInstance): FastifyBodyParser<string> {
  const parse = app.getDefaultJsonParser('remove', 'remove');
  return (request, text, done) => {
    if (text.trim() === '') return done(null, undefined);
    parse(request, text, (error, body) => (error ? done(badRequest('The request body is not valid JSON.')) : done(null, body)));
  };
}
