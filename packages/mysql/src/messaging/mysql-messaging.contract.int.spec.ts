import { PoolConnection } from 'mysql2/promise';
import { Eventloom, silentLogger } from '@eventloom/core';
import { messagingContract, messagingContractSettings } from '@eventloom/testing/contract';
import { createTestDatabase, mysqlCounters } from '@eventloom/test-support';
import { MySqlEventStore } from '../mysql-event-store';
import { MySqlDeadLetterStore } from '../deadLetters/mysql-dead-letter-store';
import { mysqlInProcessTransport } from '../publication/in-process-transport';
import { mysqlMessaging } from './mysql-messaging';

// A fresh, migrated database per test; the outbox's messages are sequenced by the in-process publisher
// with the events and delivered by position; the handlers' "plain table" is a table of the test's own.
messagingContract<PoolConnection>('mysql, in process', async () => {
  const database = await createTestDatabase('messaging_contract', { migrated: true });
  const store = new MySqlEventStore({ url: database.url });
  const { transport } = await mysqlInProcessTransport(store, { pollIntervalMs: 1, checkpointIntervalMs: 10, logger: silentLogger });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger, delivery: messagingContractSettings.delivery });
  const messaging = mysqlMessaging(eventloom, { logger: silentLogger, ...messagingContractSettings });
  return {
    eventloom,
    messaging,
    counters: await mysqlCounters(database.pool),
    teardown: () => database.drop(),
  };
});
