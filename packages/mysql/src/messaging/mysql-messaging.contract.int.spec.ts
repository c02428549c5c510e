import { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { Eventloom, silentLogger } from '@eventloom/core';
import { messagingContract, messagingContractSettings } from '@eventloom/testing/contract';
import { createTestDatabase } from '@eventloom/test-support';
import { MySqlEventStore } from '../mysql-event-store';
import { MySqlDeadLetterStore } from '../deadLetters/mysql-dead-letter-store';
import { mysqlInProcessTransport } from '../publication/in-process-transport';
import { mysqlMessaging } from './mysql-messaging';

// A fresh, migrated database per test; the outbox's messages are sequenced by the in-process publisher
// with the events and delivered by position; the handlers' "plain table" is a table of the test's own.
messagingContract<PoolConnection>('mysql, in process', async () => {
  const database = await createTestDatabase('messaging_contract', { migrated: true });
  await database.pool.query('CREATE TABLE counters (counter_key VARCHAR(255) PRIMARY KEY, n INT NOT NULL)');
  const store = new MySqlEventStore({ url: database.url });
  const { transport } = await mysqlInProcessTransport(store, { pollIntervalMs: 1, checkpointIntervalMs: 10, logger: silentLogger });
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
    teardown: () => database.drop(),
  };
});
