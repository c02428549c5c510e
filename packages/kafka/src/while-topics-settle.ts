/**
 * What a broker answers for a while after topics are created, or while a fresh
 * broker elects leaders and loads its group coordinator: the topic exists (we
 * just made sure), it is only not served yet. kafkajs retries some of these
 * itself, but gives up at once on others (an unknown topic in a metadata
 * answer, notably), so a service starting beside a fresh broker failed to
 * start with "This server does not host this topic-partition".
 */
const SETTLING = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_LOAD_IN_PROGRESS',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_COORDINATOR',
  'REBALANCE_IN_PROGRESS',
]);

/** Whether the error (or what it wraps) is one of the answers above. */
export function isSettling(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && SETTLING.has(type)) return true;
  }
  return false;
}

/**
 * Runs `action` until it does not fail with a settling answer, backing off up
 * to 1 s between tries, for at most `timeoutMs`; any other error, or a
 * settling one past the deadline, is thrown as it is.
 */
export async function whileTopicsSettle<T>(action: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return await action();
    } catch (error) {
      if (!isSettling(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
