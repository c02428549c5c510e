import { sleep } from '@eventloom/core/spi';

/**
 * Polls until the check returns true, or fails naming what was awaited after
 * the timeout: for what is eventually consistent (a subscriber, a saga, a view).
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(everyMs);
  }
}
