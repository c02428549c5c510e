import { FastifyRequest } from 'fastify';
import { CommandRejectedError } from '@eventloom/core';
import { errorReply } from './error-replies';

const request = { body: {} } as FastifyRequest;

describe('error replies', () => {
  it('answers an outage with 503 naming what is unavailable, not a 500 with a stack', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
    expect(errorReply(refused, request)).toEqual({
      status: 503,
      body: { error: 'A service this one needs is unavailable (connect ECONNREFUSED 127.0.0.1:3306); try again shortly.' },
    });
  });

  it('keeps 409 for a refused command and 500 for a bug', () => {
    expect(errorReply(new CommandRejectedError('no'), request).status).toBe(409);
    expect(errorReply(new TypeError('x is undefined'), request)).toEqual({ status: 500, body: { error: 'Internal error; see the server log.' } });
  });
});
