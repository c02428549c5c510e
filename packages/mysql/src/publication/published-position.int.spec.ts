import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { tableNames } from '../schema/table-names';
import { publishedPositionOf, publishedPositionQuery } from './published-position';
import { Sequencer } from './sequencer';

describe('the published position (real MariaDB)', () => {
  let db: TestDatabase;
  const tables = tableNames('');
  const sequencer = new Sequencer(tables);

  beforeAll(async () => {
    db = await createTestDatabase('published_position', { migrated: true });
  });

  afterAll(() => db?.drop());

  const published = async () => {
    const [rows] = await db.pool.query<any[]>(publishedPositionQuery(tables));
    return publishedPositionOf(rows[0]?.published_position, tables);
  };

  it('moves up with each mark and never back: a stale leader marking late leaves the newer mark standing', async () => {
    expect(await published()).toBe(0);
    await sequencer.markPublished(db.pool, 500);
    expect(await published()).toBe(500);
    // The new leader already marked further; the old one's mark, delayed in flight, arrives after it.
    await sequencer.markPublished(db.pool, 900);
    await sequencer.markPublished(db.pool, 700);
    expect(await published()).toBe(900);
  });
});
