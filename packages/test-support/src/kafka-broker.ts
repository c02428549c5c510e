import { Admin, Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '@eventloom/core';
import { createKafka, resolveBrokers } from '@eventloom/kafka';

export const brokers = resolveBrokers();

/** A topic prefix no other test run uses. */
export function uniqueTopicPrefix(label: string): string {
  return `test.${label}.${randomBytes(4).toString('hex')}.`;
}

/** A consumer group id no other test (or test run) uses. */
export function uniqueGroupId(label: string): string {
  return `test-${label}-${randomBytes(4).toString('hex')}`;
}

export async function testAdmin(): Promise<{ kafka: Kafka; admin: Admin }> {
  const kafka = createKafka({ brokers, clientId: 'eventloom-test', logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  return { kafka, admin };
}

/** Deletes every topic that starts with the prefix. */
export async function deleteTopics(admin: Admin, prefix: string): Promise<void> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length > 0) await admin.deleteTopics({ topics });
}

export interface ReadMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

/**
 * Reads topics from the beginning with a throwaway consumer group until
 * `until(messages)` holds; returns every message read (duplicates included).
 */
export async function readTopics(
  kafka: Kafka,
  topics: readonly string[],
  until: (messages: ReadMessage[]) => boolean,
  timeoutMs = 60_000,
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({
    groupId: uniqueGroupId('reader'),
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    rebalanceTimeout: 3_000,
    maxWaitTimeInMs: 100,
  });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = String(Array.isArray(v) ? v[0] : v);
          messages.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: Number(m.offset),
            key: m.key?.toString() ?? '',
            value: m.value?.toString() ?? '',
            headers,
          });
        }
        if (until(messages)) done();
      },
    });
    if (!until(messages)) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        finished,
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`readTopics: ${messages.length} messages after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
