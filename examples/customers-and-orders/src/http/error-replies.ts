import { FastifyError, FastifyRequest } from 'fastify';
import { AggregateNotFoundError, CommandRejectedError, isInfrastructureFailure, OptimisticConcurrencyError } from '@eventloom/core';

export interface ErrorReply {
  status: number;
  body: { error: string };
}

/** An error Fastify answers with its status code and message. */
export function badRequest(message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode: 400 });
}

/** An error the API answers with 503 and its message: something needed is unavailable for now. */
export function serviceUnavailable(message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode: 503 });
}

/** What the API answers for an error: the model's errors by kind, Fastify's (bad input, body too large) by their status. */
export function errorReply(error: unknown, request: FastifyRequest): ErrorReply {
  // The schema sees null both for no body and for a JSON null; only the first is worth its own message.
  if (isFastifyError(error) && error.validation && error.validationContext === 'body' && request.body === undefined) {
    return { status: 400, body: { error: 'The request body is empty; send a JSON object.' } };
  }
  if (error instanceof AggregateNotFoundError) return { status: 404, body: { error: error.message } };
  if (error instanceof CommandRejectedError) return { status: 409, body: { error: error.message } };
  if (error instanceof OptimisticConcurrencyError) return { status: 503, body: { error: error.message } };
  // An outage (the database or broker unreachable, a connection lost): say what, at once, and let the client retry.
  if (isInfrastructureFailure(error)) {
    return { status: 503, body: { error: `A service this one needs is unavailable (${(error as Error).message}); try again shortly.` } };
  }
  if (isFastifyError(error) && error.statusCode !== undefined && ((error.statusCode >= 400 && error.statusCode < 500) || error.statusCode === 503)) {
    return { status: error.statusCode, body: { error: error.message } };
  }
  return { status: 500, body: { error: 'Internal error; see the server log.' } };
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && ('statusCode' in error || 'validation' in error);
}

export function noRouteReply(request: FastifyRequest): ErrorReply {
  return { status: 404, body: { error: `No route for ${pathOf(request)}.` } };
}

export function wrongMethodReply(request: FastifyRequest): ErrorReply {
  return { status: 405, body: { error: `${request.method} is not allowed on ${pathOf(request)}.` } };
}

function pathOf(request: FastifyRequest): string {
  return new URL(request.url, 'http://localhost').pathname;
}
