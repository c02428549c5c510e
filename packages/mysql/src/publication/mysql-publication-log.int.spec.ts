import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { MySqlPublicationLog } from './mysql-publication-log';

describe('MySqlPublicationLog (real MariaDB)', () => {
  let db: TestDatabase;
  let log: MySqlPublicationLog;

  beforeAll(async () => {
    db = await createTestDatabase('publog', { migrated: true });
    log = new MySqlPublicationLog({ mysqlUrl: db.url });
  });

  afterAll(async () => {
    await log?.close();
    await db?.drop();
  });

  const insert = (eventId: string, entityId: string, position: string) =>
    db.pool.query(
      `INSERT INTO events (event_id, event_type, event_data, entity_type, entity_id, entity_version, metadata, created_at, published, position_slot)
       VALUES (?, 'Ticked', '{}', 'Clock', ?, 1, '{"correlationId":"c","schemaVersion":1}', NOW(6), 1, ?)`,
      [eventId, entityId, position],
    );

  it('reads positions up to 2^53 - 1 exactly, as the server stores them', async () => {
    await insert('e-safe', 'c-1', '9007199254740991');
    const [event] = await log.readPublished(9007199254740990, 10);
    expect(event).toMatchObject({ eventId: 'e-safe', position: Number.MAX_SAFE_INTEGER, metadata: { correlationId: 'c' } });
  });

  it('refuses a position beyond 2^53 - 1 with an error naming it, instead of rounding it onto another', async () => {
    await insert('e-beyond', 'c-2', '9007199254740993');
    await expect(log.readPublished(9007199254740991, 10)).rejects.toThrow(/Event e-beyond: position 9007199254740993 is beyond 9007199254740991/);
  });
});
