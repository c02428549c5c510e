/**
 * An error's message, for logs and for the message of an error that wraps it;
 * `withName` prefixes the error's class (`TypeError: ...`) where the reader
 * must tell kinds apart, as in a parked event's reason.
 */
export function describeError(error: unknown, options: { readonly withName?: boolean } = {}): string {
  if (error instanceof Error) return options.withName ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
