import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AggregateNotFoundError, CommandRejectedError, OptimisticConcurrencyError } from '@eventloom/core';
import { badRequest, HttpError } from './http-error';

export interface Reply {
  status: number;
  body: unknown;
}

export interface Request {
  params: Record<string, string>;
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST';
  /** e.g. '/orders/:id/cancel' */
  path: string;
  handle(request: Request): Promise<Reply>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** A small JSON-over-HTTP server: enough for the example's few routes, no framework needed. */
export function jsonServer(routes: Route[], onError: (error: unknown) => void = console.error): Server {
  const compiled = routes.map((route) => ({ route, ...compile(route.path) }));
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const matches = compiled.filter((c) => c.regex.test(url.pathname));
      if (matches.length === 0) throw new HttpError(404, `No route for ${url.pathname}.`);
      const match = matches.find((c) => c.route.method === req.method);
      if (!match) throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}.`);
      const values = match.regex.exec(url.pathname)!.slice(1).map(decodeURIComponent);
      const params = Object.fromEntries(match.names.map((name, i) => [name, values[i]]));
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      send(res, await match.route.handle({ params, body }));
    } catch (error) {
      const reply = toReply(error);
      if (reply.status >= 500) onError(error);
      send(res, reply);
    }
  });
}

function compile(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${pattern}/?$`), names };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `The request body is over ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}

function toReply(error: unknown): Reply {
  if (error instanceof HttpError) return { status: error.status, body: { error: error.message } };
  if (error instanceof AggregateNotFoundError) return { status: 404, body: { error: error.message } };
  if (error instanceof CommandRejectedError) return { status: 409, body: { error: error.message } };
  if (error instanceof OptimisticConcurrencyError) return { status: 503, body: { error: error.message } };
  return { status: 500, body: { error: 'Internal error; see the server log.' } };
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
