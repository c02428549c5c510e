import { Subscription } from './event-transport';

/**
 * Resolves when every subscription has handled everything stored so far. A
 * handler may store what another subscription then handles, possibly after
 * that one already looked: repeat until a pass in which none moved.
 * `alsoWait` runs in each pass (e.g. another runtime's own caughtUp).
 */
export async function caughtUpTogether(subscriptions: () => readonly Subscription[], alsoWait?: () => Promise<void>): Promise<void> {
  for (;;) {
    const current = subscriptions();
    const before = current.map((s) => s.position?.());
    await alsoWait?.();
    await Promise.all(current.map((s) => s.caughtUp?.()));
    await new Promise((resolve) => setImmediate(resolve));
    if (current.every((s, i) => (s.idle?.() ?? true) && s.position?.() === before[i])) return;
  }
}
