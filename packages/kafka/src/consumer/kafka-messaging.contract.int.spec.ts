import { PoolConnection } from 'mysql2/promise';
import { Eventloom, Messaging, silentLogger } from '@eventloom/core';
import { LostCommitAcks, messagingContract, messagingContractSettings } from '@eventloom/testing/contract';
import { brokers, createTestDatabase, mysqlCounters, uniqueTopicPrefix } from '@eventloom/test-support';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlMessagingBackend } from '@eventloom/mysql';
import { testTransport } from '../../test/test-transport';
import { startPublisher } from '../publisher/publisher';

// Commands, replies and outbox events through Kafka: one topic per channel, Tram's message format.
messagingContract<PoolConnection>('mysql + kafka', async () => {
  const database = await createTestDatabase('kafka_messaging', { migrated: true });
  const store = new MySqlEventStore({ url: database.url });
  const topicPrefix = uniqueTopicPrefix('messaging');
  const publisher = await startPublisher({ pool: store.pool, kafka: { brokers }, topicPrefix, logger: silentLogger, pollIntervalMs: 5 });
  const transport = testTransport({
    brokers,
    topicPrefix,
    publication: publisher,
  });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger, delivery: messagingContractSettings.delivery });
  const lostCommitAcks = new LostCommitAcks<PoolConnection>();
  const messaging = new Messaging({ logger: silentLogger, ...messagingContractSettings, eventloom, backend: lostCommitAcks.wrap(mysqlMessagingBackend(store)) });
  return {
    eventloom,
    messaging,
    lostCommitAcks,
    counters: await mysqlCounters(database.pool),
    teardown: async () => {
      await publisher.stop();
      await database.drop();
    },
  };
});
