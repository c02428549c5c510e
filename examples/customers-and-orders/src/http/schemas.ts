/**
 * JSON schemas of the fields the routes share. Each says in its `description`
 * what the field must be; validation-messages.ts quotes it in the 400s.
 */
export const nonEmptyString = (description = 'a non-empty string') => ({ type: 'string', pattern: '\\S', description }) as const;

/** A money field shaped {"amount": <non-negative number with at most 2 decimals>}; the handler turns it into a Money. */
export const money = {
  type: 'object',
  description: 'shaped {"amount": <number>}',
  required: ['amount'],
  properties: { amount: { type: 'number', minimum: 0, multipleOf: 0.01, description: 'a number' } },
} as const;

export interface MoneyJson {
  amount: number;
}
