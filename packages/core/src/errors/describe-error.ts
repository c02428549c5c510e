/** An error's message, for logs and for the message of an error that wraps it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
