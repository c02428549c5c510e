import { Money } from '../shared/money';
import { badRequest } from './http-error';

type Body = Record<string, unknown>;

export function requireObject(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(body === undefined ? 'The request body is empty; send a JSON object.' : 'The request body must be a JSON object.');
  }
  return body as Body;
}

export function requireName(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest(`'${field}' is required and must be a non-empty string.`);
  }
  return value.trim();
}

export function requireId(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest(`'${field}' is required and must be a non-empty string id.`);
  }
  return value;
}

/** A money field shaped {"amount": <non-negative number with at most 2 decimals>}. */
export function requireMoney(body: Body, field: string): Money {
  const value = body[field];
  if (typeof value !== 'object' || value === null || !('amount' in value)) {
    throw badRequest(`'${field}' is required, shaped {"amount": <number>}.`);
  }
  const amount = (value as { amount: unknown }).amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw badRequest(`'${field}.amount' must be a number.`);
  }
  if (amount < 0) throw badRequest(`'${field}.amount' must not be negative.`);
  if (Math.round(amount * 100) !== amount * 100) throw badRequest(`'${field}.amount' may have at most 2 decimal places.`);
  return new Money(amount);
}
