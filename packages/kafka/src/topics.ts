import { Admin } from 'kafkajs';
import { InvalidTopicNameError } from './errors';
import { isSettling } from './while-topics-settle';

/** The default prefix of every topic Eventloom publishes to. */
export const defaultTopicPrefix = 'eventloom.';

const LEGAL = /^[A-Za-z0-9._-]+$/;
const MAX_LENGTH = 249;

/**
 * The topic of an aggregate type: prefix + type, with every character Kafka
 * does not allow (anything but letters, digits, '.', '_' and '-') replaced by
 * '_'. Two types that differ only in such characters would share a topic:
 * keep aggregate type names plain. The prefix itself must be legal.
 */
export function topicFor(aggregateType: string, prefix: string = defaultTopicPrefix): string {
  if (prefix !== '' && !LEGAL.test(prefix)) {
    throw new InvalidTopicNameError(prefix, "a topic prefix may hold only letters, digits, '.', '_' and '-'");
  }
  if (!aggregateType) throw new InvalidTopicNameError(prefix, 'the aggregate type is empty');
  const topic = prefix + aggregateType.replace(/[^A-Za-z0-9._-]/g, '_');
  if (topic.length > MAX_LENGTH) throw new InvalidTopicNameError(topic, `it is longer than ${MAX_LENGTH} characters`);
  if (topic === '.' || topic === '..') throw new InvalidTopicNameError(topic, "'.' and '..' are reserved");
  return topic;
}

/**
 * The topic Eventuate reads an entity type from: the type itself (its wire
 * name, a Java class name), with Eventuate's cleaning (TopicCleaner: '$', as in
 * a nested class, becomes '_DLR_'), no prefix. Any other character Kafka
 * refuses becomes '_' as in topicFor (a Java class name has none).
 */
export function eventuateTopicFor(entityType: string): string {
  return topicFor(entityType.replace(/\$/g, '_DLR_'), '');
}

/**
 * Creates the topics that do not exist yet, with `partitions` partitions each.
 * Safe to race with another creator. `known` caches what exists.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  partitions: number,
  known: Set<string> = new Set(),
): Promise<void> {
  const wanted = [...new Set(topics)].filter((t) => !known.has(t));
  if (wanted.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
        waitForLeaders: true,
      });
    } catch (error) {
      // Another process created some of them in between, or the broker says a topic it just created is not
      // served yet: fine either way, the wait below sees every one exist with leaders (or says which do not).
      if (!isSettling(error)) {
        const now = new Set(await admin.listTopics());
        if (!missing.every((t) => now.has(t))) throw error;
      }
    }
  }
  // ...and have leaders: a topic another process just created is listed before its partitions are
  // hosted, and reading its offsets then fails with "This server does not host this topic-partition".
  await untilLeadersElected(admin, wanted);
  for (const topic of wanted) known.add(topic);
}

async function untilLeadersElected(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const led = await admin
      .fetchTopicMetadata({ topics: [...topics] })
      .then(({ topics: found }) => found.length === topics.length && found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
      .catch(() => false);
    if (led) return;
    if (Date.now() > deadline) throw new Error(`Kafka topics ${topics.join(', ')} exist but have no partition leaders after ${timeoutMs} ms; check the brokers.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
