import { FastifySchemaValidationError } from 'fastify';

/** A property's schema, with the `description` the example gives every field: what it must be, e.g. 'a non-empty string'. */
interface FieldSchema {
  description?: string;
  properties?: Record<string, FieldSchema>;
}

/** Ajv's error in verbose mode (see json-api.ts): it carries the schema that failed. */
type VerboseError = FastifySchemaValidationError & { parentSchema?: FieldSchema };

/**
 * Turns the first schema error into the sentence the API answers with,
 * naming the field: `'creditLimit.amount' must not be negative.`
 */
export function describeValidationErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const error = errors[0] as VerboseError;
  const path = error.instancePath.split('/').slice(1);
  if (error.keyword === 'required') {
    const field = String(error.params.missingProperty);
    const expected = error.parentSchema?.properties?.[field]?.description;
    return new Error(`'${[...path, field].join('.')}' is required${expected ? ` and must be ${expected}` : ''}.`);
  }
  if (path.length === 0) return new Error(`The request ${dataVar} must be a JSON object.`);
  return new Error(`'${path.join('.')}' ${problem(error)}.`);
}

function problem(error: VerboseError): string {
  const { keyword, params } = error;
  if (keyword === 'minimum' && params.limit === 0) return 'must not be negative';
  if (keyword === 'multipleOf') return `may have at most ${decimalPlaces(Number(params.multipleOf))} decimal places`;
  const expected = error.parentSchema?.description;
  return expected ? `must be ${expected}` : (error.message ?? 'is invalid');
}

/** The schemas use multipleOf only as 0.01, 0.1, ...: a number of decimal places. */
function decimalPlaces(step: number): number {
  return Math.round(-Math.log10(step));
}
