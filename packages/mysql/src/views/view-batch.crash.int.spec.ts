import path from 'node:path';
import { RowDataPacket } from 'mysql2/promise';
import { AggregateRepository } from '@eventloom/core';
import { ChildPublisher, createTestDatabase, eventually, TestDatabase } from '@eventloom/test-support';
import { MySqlEventStore } from '../mysql-event-store';
import { Ledger, OpenLedger, PostEntries } from '../../test/ledger-model';

const CRASH_TOTALS_DDL = 'CREATE TABLE crash_totals (id INT PRIMARY KEY, events INT NOT NULL, amount INT NOT NULL)';
const program = path.join(__dirname, '..', '..', 'test', 'batched-view-program.ts');
const LEDGERS = 30;
const ENTRIES = 99;
const EVENTS = LEDGERS * (1 + ENTRIES);

let database: TestDatabase;
const children: ChildPublisher[] = [];

beforeAll(async () => {
  database = await createTestDatabase('view_crash', { migrated: true });
  await database.pool.query(CRASH_TOTALS_DDL);
  await database.pool.query('INSERT INTO crash_totals (id, events, amount) VALUES (1, 0, 0)');
  const store = new MySqlEventStore({ url: database.url });
  const repository = new AggregateRepository(store);
  for (let i = 0; i < LEDGERS; i++) {
    const { id } = await repository.create(Ledger, new OpenLedger(`owner-${i}`));
    await repository.update(Ledger, id, new PostEntries(ENTRIES));
  }
  await store.close();
});
afterAll(async () => {
  for (const child of children) await child.crash();
  await database?.drop();
});

async function totals(): Promise<{ events: number; amount: number; records: number; checkpoint: number }> {
  const [[row]] = await database.pool.query<RowDataPacket[]>(
    `SELECT t.events, t.amount,
            (SELECT COUNT(*) FROM received_events WHERE subscriber_id = 'crash-totals') AS records,
            (SELECT COALESCE(MAX(position), 0) FROM subscriber_positions WHERE subscriber_id = 'crash-totals') AS checkpoint
       FROM crash_totals t WHERE t.id = 1`,
  );
  return { events: Number(row.events), amount: Number(row.amount), records: Number(row.records), checkpoint: Number(row.checkpoint) };
}

describe('a batched MySQL view killed in the middle of a run (kill -9, real MariaDB)', () => {
  it('leaves no trace of the run, and the next process applies every event exactly once', async () => {
    const first = await ChildPublisher.start(program, ['--mysql', database.url, '--hang-after', '1100'], 'view started');
    children.push(first);
    await eventually(() => first.saw('mid-run'), 'the view to stop in the middle of a run', 60_000).catch((error) => {
      throw new Error(`${String(error)}\nchild output:\n${first.output.join('\n')}`);
    });
    // Runs of 200: five committed, the sixth open with 100 uncommitted changes on the totals row.
    const beforeKill = await totals();
    expect(beforeKill.events).toBe(1000);
    await first.crash();
    const afterKill = await totals();
    expect(afterKill).toEqual(beforeKill);
    expect(afterKill.records).toBe(afterKill.events);
    // The checkpoint lags what was committed: the next process is handed committed events again.
    expect(afterKill.checkpoint).toBeLessThan(afterKill.events);

    const second = await ChildPublisher.start(program, ['--mysql', database.url], 'view started');
    children.push(second);
    await eventually(async () => (await totals()).events >= EVENTS, `all ${EVENTS} events in the view`, 60_000);
    await second.stop();
    expect(await totals()).toMatchObject({ events: EVENTS, amount: LEDGERS * ENTRIES, records: EVENTS });
  }, 180_000);
});
