import { eventStoreContract } from '@eventloom/testing/contract';
import { MySqlEventStore } from './mysql-event-store';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';

// One database for the file, emptied after each test: creating one per test costs more than the tests.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('contract', { migrated: true });
});
afterAll(async () => {
  await database?.drop();
});

eventStoreContract('mysql', async () => {
  const store = new MySqlEventStore({ url: database.url, poolSize: 5 });
  return {
    store,
    async teardown() {
      for (const table of [store.tables.events, store.tables.entities, store.tables.snapshots]) {
        await store.pool.query(`DELETE FROM ${table}`);
      }
      await store.close();
    },
  };
});
