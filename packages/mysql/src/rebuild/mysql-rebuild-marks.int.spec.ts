import { migrate } from '../schema/migrations';
import { MySqlSchemaMissingError } from '../errors';
import { MySqlEventStore } from '../mysql-event-store';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { MySqlDeadLetterStore } from '../deadLetters/mysql-dead-letter-store';
import { MySqlRebuildMarks } from './mysql-rebuild-marks';

describe('MySqlRebuildMarks', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('marks', { migrated: true });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('is 0 for a subscriber never rebuilt, and keeps the last mark set per subscriber', async () => {
    const store = new MySqlEventStore({ url: database.url, poolSize: 2 });
    try {
      const marks = MySqlRebuildMarks.of(store);
      expect(await marks.get('view')).toBe(0);
      await marks.set('view', 240);
      await marks.set('other', 7);
      await marks.set('view', 250);
      expect(await marks.get('view')).toBe(250);
      expect(await new MySqlRebuildMarks({ pool: store.pool }).get('other')).toBe(7);
    } finally {
      await store.close();
    }
  });
});

describe('dead letters and rebuild marks on a schema older than version 3', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('old_schema');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('say to run eventloom migrate, on first use and from ready(); once migrated they work', async () => {
    const store = new MySqlEventStore({ url: database.url, tablePrefix: 'old_', poolSize: 2 });
    try {
      // Version 2, as left by the previous release: the event store tables without the new ones.
      await migrate(store.pool, { tablePrefix: 'old_' });
      await store.pool.query('DROP TABLE `old_parked_events`, `old_rebuild_marks`');
      await store.pool.query('DELETE FROM `old_eventloom_migrations` WHERE version >= 3');
      const deadLetters = MySqlDeadLetterStore.of(store);
      const marks = MySqlRebuildMarks.of(store);
      await expect(deadLetters.list()).rejects.toBeInstanceOf(MySqlSchemaMissingError);
      await expect(deadLetters.ready()).rejects.toThrow(
        /it is at version 2, and MySqlDeadLetterStore needs version 3\. Run `npx eventloom migrate --mysql <url> --table-prefix old_`/,
      );
      await expect(marks.get('view')).rejects.toThrow(/MySqlRebuildMarks needs version 3.*eventloom migrate/);

      expect((await migrate(store.pool, { tablePrefix: 'old_' })).applied).toEqual([3, 4, 5, 6, 7, 8]);
      expect(await deadLetters.list()).toEqual([]);
      expect(await marks.get('view')).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('say the tables do not exist in an empty database', async () => {
    const deadLetters = new MySqlDeadLetterStore({ mysqlUrl: database.url, tablePrefix: 'none_' });
    try {
      await expect(deadLetters.ready()).rejects.toThrow(/its tables do not exist\. Run `npx eventloom migrate/);
    } finally {
      await deadLetters.close();
    }
  });
});
