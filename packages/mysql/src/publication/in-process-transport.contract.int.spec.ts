import { silentLogger } from '@eventloom/core';
import { transportContract } from '@eventloom/testing/contract';
import { MySqlEventStore } from '../mysql-event-store';
import { MySqlDeadLetterStore } from '../deadLetters/mysql-dead-letter-store';
import { createTestDatabase } from '@eventloom/test-support';
import { mysqlInProcessTransport } from './in-process-transport';

// A fresh, migrated database per test: the MySQL store, an in-process publisher (no broker) and a PublicationLogTransport.
transportContract('mysql, in process', async () => {
  const database = await createTestDatabase('inproc_contract', { migrated: true });
  const store = new MySqlEventStore({ url: database.url });
  const { transport, publisher } = await mysqlInProcessTransport(store, { pollIntervalMs: 1, logger: silentLogger });
  return {
    store,
    transport,
    deadLetters: MySqlDeadLetterStore.of(store),
    async teardown() {
      await publisher.stop();
      await store.close();
      await database.drop();
    },
  };
});
