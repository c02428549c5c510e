import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { migrateUpTo } from '../schema/migrations';
import { tableNames } from '../schema/table-names';
import { Sequencer } from './sequencer';

describe('Sequencer on an older schema (real MariaDB)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('sequencer_schema');
    await migrateUpTo(db.url, 7);
  });

  afterAll(() => db?.drop());

  it('refuses a schema older than version 8 and says what to do, before writing anything', async () => {
    const connection = await db.pool.getConnection();
    try {
      await expect(new Sequencer(tableNames('')).prepare(connection)).rejects.toThrow(
        /position_slot \(schema version 8\), but the schema is at version 7: stop the publishers of the older release, run the migrations/,
      );
    } finally {
      connection.release();
    }
  });
});
