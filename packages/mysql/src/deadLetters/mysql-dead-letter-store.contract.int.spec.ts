import { deadLetterStoreContract } from '@eventloom/testing/contract';
import { MySqlEventStore } from '../mysql-event-store';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { MySqlDeadLetterStore } from './mysql-dead-letter-store';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('dead_letters', { migrated: true, tablePrefix: 'svc_' });
});
afterAll(async () => {
  await database?.drop();
});

deadLetterStoreContract('mysql', async () => {
  const eventStore = new MySqlEventStore({ url: database.url, tablePrefix: 'svc_', poolSize: 3 });
  const store = MySqlDeadLetterStore.of(eventStore);
  return {
    store,
    async teardown() {
      await eventStore.pool.query('DELETE FROM `svc_parked_events`');
      await eventStore.close();
    },
  };
});

describe('MySqlDeadLetterStore from a URL', () => {
  it('opens its own pool, and closes it', async () => {
    const store = await new MySqlDeadLetterStore({ mysqlUrl: database.url, tablePrefix: 'svc_' }).ready();
    try {
      expect(await store.list('nobody')).toEqual([]);
    } finally {
      await store.close();
    }
    await expect(store.list('nobody')).rejects.toThrow(/closed/i);
  });
});
