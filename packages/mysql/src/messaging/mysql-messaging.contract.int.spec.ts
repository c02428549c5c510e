import { PoolConnection } from 'mysql2/promise';
import { Eventloom, Messaging, silentLogger } from '@eventloom/core';
import { bookingSaga, LostCommitAcks, messagingContract, messagingContractSettings } from '@eventloom/testing/contract';
import { createTestDatabase, mysqlCounters } from '@eventloom/test-support';
import { MySqlEventStore } from '../mysql-event-store';
import { MySqlDeadLetterStore } from '../deadLetters/mysql-dead-letter-store';
import { mysqlInProcessTransport } from '../publication/in-process-transport';
import { mysqlMessaging, mysqlMessagingBackend } from './mysql-messaging';

// A fresh, migrated database per test; the outbox's messages are sequenced by the in-process publisher
// with the events and delivered by position; the handlers' "plain table" is a table of the test's own.
messagingContract<PoolConnection>('mysql, in process', async () => {
  const database = await createTestDatabase('messaging_contract', { migrated: true });
  const store = new MySqlEventStore({ url: database.url });
  const { transport } = await mysqlInProcessTransport(store, { pollIntervalMs: 1, checkpointIntervalMs: 10, logger: silentLogger });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger, delivery: messagingContractSettings.delivery });
  const lostCommitAcks = new LostCommitAcks<PoolConnection>();
  const messaging = new Messaging({ logger: silentLogger, ...messagingContractSettings, eventloom, backend: lostCommitAcks.wrap(mysqlMessagingBackend(store)) });
  return {
    eventloom,
    messaging,
    lostCommitAcks,
    counters: await mysqlCounters(database.pool),
    teardown: () => database.drop(),
  };
});

describe('mysqlMessaging on a schema older than version 4', () => {
  it('says to run eventloom migrate when a saga starts', async () => {
    const database = await createTestDatabase('messaging_old_schema', { migrated: true });
    await database.pool.query('DROP TABLE `saga_instance`, `received_messages`');
    await database.pool.query('DELETE FROM `eventloom_migrations` WHERE version >= 4');
    const store = new MySqlEventStore({ url: database.url });
    const { transport } = await mysqlInProcessTransport(store, { logger: silentLogger });
    const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger });
    const messaging = mysqlMessaging(eventloom, { logger: silentLogger });
    try {
      const sagas = await messaging.sagas(bookingSaga<PoolConnection>('OldSchemaBooking'));
      await expect(sagas.start({ key: 'k', seats: 1, log: [] })).rejects.toThrow(/it is at version 3, and mysqlMessaging needs version 4\. Run `npx eventloom migrate/);
    } finally {
      await messaging.close();
      await eventloom.close();
      await database.drop();
    }
  });
});
