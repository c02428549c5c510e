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

/** A subscription as a runtime hands it out: the transport's, with `beforeClose`/`afterClose` run around its close. */
export function trackedSubscription(subscription: Subscription, beforeClose: () => void, afterClose: (tracked: Subscription) => void): Subscription {
  const tracked: Subscription = {
    subscriberId: subscription.subscriberId,
    caughtUp: subscription.caughtUp && (() => subscription.caughtUp!()),
    idle: subscription.idle && (() => subscription.idle!()),
    position: subscription.position && (() => subscription.position!()),
    status: subscription.status && (() => subscription.status!()),
    close: async () => {
      beforeClose();
      await subscription.close();
      afterClose(tracked);
    },
  };
  return tracked;
}
