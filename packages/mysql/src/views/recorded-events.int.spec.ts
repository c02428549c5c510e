import { Pool, PoolConnection } from 'mysql2/promise';
import { BatchUnit, newId } from '@eventloom/core/spi';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { RecordedEvents } from './recorded-events';
import { mysqlViews } from './processed-events';

let database: TestDatabase;
let pool: Pool;
let tx: PoolConnection;

beforeAll(async () => {
  database = await createTestDatabase('recorded', { migrated: true });
  pool = database.pool;
  tx = await pool.getConnection();
});
afterAll(async () => {
  tx?.release();
  await database?.drop();
});

async function record(subscriberId: string, eventIds: string[]): Promise<void> {
  await pool.query('INSERT INTO received_events (subscriber_id, event_id) VALUES ?', [eventIds.map((id) => [subscriberId, id])]);
}

/** `count` ids made one after the other: they ascend, as one append's do. */
const ids = (count: number) => Array.from({ length: count }, () => newId());

describe("which of a run's events a subscriber recorded", () => {
  it('finds exactly the recorded ones when a few records of other events lie among the run ids (the probe answers)', async () => {
    const made = ids(40);
    const run = made.filter((_, i) => i % 2 === 0);
    // Other events' records between the run's ids, and two of the run's own (the last id in a stretch of its own).
    const lastAlone = newId();
    await record('probe-few', [...made.filter((_, i) => i % 2 === 1), run[3], lastAlone]);
    await record('someone-else', run);
    expect(await new RecordedEvents('received_events').among(tx, 'probe-few', [...run, lastAlone])).toEqual(new Set([run[3], lastAlone]));
  });

  it('finds exactly the recorded ones when more records lie among the run ids than a probe reads (the full look-up answers)', async () => {
    // One stretch (ascending, one shared prefix) with 149 other events' records inside it.
    const others = Array.from({ length: 151 }, (_, i) => `stretch-000000-${String(i).padStart(4, '0')}`);
    const run = [others[0], others[150]];
    await record('probe-full', others.slice(1));
    const recorded = new RecordedEvents('received_events');
    expect(await recorded.among(tx, 'probe-full', run)).toEqual(new Set([run[1]]));
    // The runs after it go straight to the full look-up, with the same answer.
    expect(await recorded.among(tx, 'probe-full', run)).toEqual(new Set([run[1]]));
  });

  it('finds exactly the recorded ones among ids that are not plain ASCII (their order in MariaDB may differ)', async () => {
    // utf8mb4_bin pads with spaces: to MariaDB, 'a' sorts after 'a\x01', to JavaScript before it.
    const run = ['é-1', 'a b', 'ß', 'a', 'a\x01'];
    await record('not-plain', ['a b', 'ß', 'a\x01', 'b']);
    expect(await new RecordedEvents('received_events').among(tx, 'not-plain', run)).toEqual(new Set(['a b', 'ß', 'a\x01']));
  });

  it('finds none for a subscriber with no records', async () => {
    expect(await new RecordedEvents('received_events').among(tx, 'no-records', ids(5))).toEqual(new Set());
  });
});

describe('a run of queued changes on MariaDB', () => {
  it('costs two round trips: the look-up of its records, then its changes, records and COMMIT in one compound statement', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS trip_totals (id INT PRIMARY KEY, total INT NOT NULL)');
    await pool.query('INSERT INTO trip_totals VALUES (1, 0)');
    const sent: string[] = [];
    const counting = {
      getConnection: async () => {
        const connection = await pool.getConnection();
        const query = connection.query.bind(connection);
        connection.query = ((sql: string, values?: unknown) => {
          sent.push(sql);
          return query(sql, values as never);
        }) as PoolConnection['query'];
        connection.commit = () => {
          sent.push('COMMIT');
          return query('COMMIT') as never;
        };
        return connection;
      },
    } as unknown as Pool;
    const views = mysqlViews(counting);
    const eventIds = ids(3);
    const unit = new BatchUnit(eventIds);
    for (const eventId of eventIds) await views.write({ subscriberId: 'trips', eventId, batch: unit }, 'UPDATE trip_totals SET total = total + ? WHERE id = 1', [1]);
    await unit.commit();
    const [[row]] = (await pool.query('SELECT total FROM trip_totals WHERE id = 1')) as unknown as [[{ total: number }]];
    expect(row.total).toBe(3);
    const trips = sent.filter((sql) => !/VERSION\(\)/.test(sql));
    expect(trips).toHaveLength(2);
    expect(trips[1]).toMatch(/^BEGIN NOT ATOMIC START TRANSACTION;\n.*received_events.*;\nCOMMIT; END$/s);
  });
});
