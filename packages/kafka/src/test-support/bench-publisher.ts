// Manual throughput check: node -r ./register.js bench-publisher.ts [events]
import { silentLogger } from '@eventloom/core';
import { startPublisher } from '../publisher/publisher';
import { createEventsTable, createTestDatabase } from './databases';
import { insertEvents, interleavedEvents } from './events';
import { brokers, deleteTopics, testAdmin, uniqueTopicPrefix } from './kafka';

async function main() {
  const n = Number(process.argv[2] ?? 100_000);
  const db = await createTestDatabase('bench');
  await createEventsTable(db.pool);
  const events = interleavedEvents('Bench', 1000, Math.ceil(n / 1000));
  await insertEvents(db.pool, events);
  const topicPrefix = uniqueTopicPrefix('bench');
  const { admin } = await testAdmin();
  const started = Date.now();
  const cpu = process.cpuUsage();
  const publisher = await startPublisher({ mysqlUrl: db.url, kafka: { brokers }, topicPrefix, logger: silentLogger, ...(process.env.BATCH ? { batchSize: Number(process.env.BATCH) } : {}) });
  await publisher.published();
  const ms = Date.now() - started;
  const used = process.cpuUsage(cpu);
  console.log(`${events.length} events in ${ms} ms: ${Math.round((events.length * 1000) / ms)} events/s; publisher CPU ${Math.round((used.user + used.system) / 1000)} ms`);
  await publisher.stop();
  await deleteTopics(admin, topicPrefix);
  await admin.disconnect();
  await db.drop();
}
void main();
