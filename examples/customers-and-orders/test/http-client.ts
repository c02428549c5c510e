import { eventually as poll } from '@eventloom/testing';

/** A tiny JSON client for the end-to-end tests; a string body is sent as it is, as `contentType` (JSON unless told). */
export async function call(baseUrl: string, method: string, path: string, body?: unknown | string, contentType = 'application/json') {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Polls until `check` passes: the saga and the view are eventually consistent. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  let value: T | undefined;
  try {
    await poll(async () => check((value = await read())), 'an answer that passes the check', timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last answer: ${JSON.stringify(value)}`);
  }
  return value as T;
}
