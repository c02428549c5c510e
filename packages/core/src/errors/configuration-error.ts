import { EventloomError } from './eventloom-error';

/**
 * A setting that cannot work (a broker list that is not host:port, a negative
 * batch size...). Thrown when the setting is given, never for a runtime state
 * such as a closed transport: those have errors of their own.
 */
export class ConfigurationError extends EventloomError {}

type ConfigurationErrorType = new (message: string) => ConfigurationError;

/** Checks a setting that must be a positive integer, naming it and the value when it is not. */
export function positiveInteger(name: string, value: number, errorType: ConfigurationErrorType = ConfigurationError): number {
  if (!Number.isInteger(value) || value < 1) throw new errorType(`${name} must be a positive integer, got ${value}.`);
  return value;
}
