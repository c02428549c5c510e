import { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { Eventloom, silentLogger } from '@eventloom/core';
import { messagingContract, messagingContractSettings } from '@eventloom/testing/contract';
import { brokers, createTestDatabase, uniqueTopicPrefix } from '@eventloom/test-support';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlMessaging } from '@eventloom/mysql';
import { startPublisher } from '../publisher/publisher';
import { KafkaTransport } from './kafka-transport';

// Commands, replies and outbox events through Kafka: one topic per channel, Tram's message format.
messagingContract<PoolConnection>('mysql + kafka', async () => {
  const database = await createTestDatabase('kafka_messaging', { migrated: true });
  await database.pool.query('CREATE TABLE counters (counter_key VARCHAR(255) PRIMARY KEY, n INT NOT NULL)');
  const store = new MySqlEventStore({ url: database.url });
  const topicPrefix = uniqueTopicPrefix('messaging');
  const publisher = await startPublisher({ pool: store.pool, kafka: { brokers }, topicPrefix, logger: silentLogger, pollIntervalMs: 5 });
  const transport = new KafkaTransport({
    brokers,
    topicPrefix,
    groupIdPrefix: topicPrefix,
    publication: publisher,
    logger: silentLogger,
    consumer: { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 3_000 },
  });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger, delivery: messagingContractSettings.delivery });
  const messaging = mysqlMessaging(eventloom, { logger: silentLogger, ...messagingContractSettings });
  return {
    eventloom,
    messaging,
    counters: {
      add: async (tx, key, n) => {
        await tx.query('INSERT INTO counters (counter_key, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)', [key, n]);
      },
      read: async (key, tx) => {
        const [rows] = tx
          ? await tx.query<RowDataPacket[]>('SELECT n FROM counters WHERE counter_key = ? FOR UPDATE', [key])
          : await database.pool.query<RowDataPacket[]>('SELECT n FROM counters WHERE counter_key = ?', [key]);
        return rows[0] ? Number(rows[0].n) : 0;
      },
    },
    teardown: async () => {
      await publisher.stop();
      await database.drop();
    },
  };
});
