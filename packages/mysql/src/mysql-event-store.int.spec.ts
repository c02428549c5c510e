import { Connection, createConnection, RowDataPacket } from 'mysql2/promise';
import { AggregateRepository, afterEvents, OptimisticConcurrencyError } from '@eventloom/core';
import { AppendRequest, newId, NewEvent } from '@eventloom/core/spi';
import { eventually } from '@eventloom/testing';
import { AddToCounter, Counter, OpenCounter, rawEvent } from '@eventloom/testing/contract';
import { MySqlEventStore, MySqlEventStoreOptions } from './mysql-event-store';
import { MySqlConnectionLostError } from './errors';
import { EVENT_PLACEHOLDERS, eventValues, INSERT_EVENT_COLUMNS, SqlValue } from './event-rows';
import { Ledger, OpenLedger, PostEntries } from '../test/ledger-model';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';

let database: TestDatabase;
const stores: MySqlEventStore[] = [];
const openStore = (options: Omit<MySqlEventStoreOptions, 'url'> = {}) => {
  const store = new MySqlEventStore({ url: database.url, ...options });
  stores.push(store);
  return store;
};

beforeAll(async () => {
  database = await createTestDatabase('store', { migrated: true });
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await database?.drop();
});

const counterEvent = rawEvent;

/**
 * Loses an append's connection the way production does, mid-transaction: a
 * second connection holds an uncommitted row with a key that the append's
 * statement `waitsIn` needs, so the append waits there with its earlier
 * writes done; a third connection finds it in the server's process list and
 * KILLs it; then the blocker rolls back. Returns what the append threw.
 */
async function appendKilledWhileWaiting(
  store: MySqlEventStore,
  request: AppendRequest,
  blocker: { readonly sql: string; readonly values: SqlValue[]; readonly waitsIn: string },
): Promise<unknown> {
  const holder = await createConnection(database.url);
  const admin = await createConnection(database.url);
  try {
    await holder.query('START TRANSACTION');
    await holder.query(blocker.sql, blocker.values);
    const appending = store.append(request).then(
      () => new Error('the append succeeded although its connection was killed'),
      (error: unknown) => error,
    );
    await admin.query(`KILL CONNECTION ${await connectionRunning(admin, blocker.waitsIn)}`);
    return await appending;
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end();
    await admin.end();
  }
}

/**
 * The connection of this test's database running a statement that starts with
 * `statement` (the test database is this file's alone, so that is the append).
 * It stays there because the blocker holds the row it needs: the statement
 * cannot finish before the KILL.
 */
async function connectionRunning(admin: Connection, statement: string): Promise<number> {
  let found: number | undefined;
  await eventually(
    async () => {
      const [rows] = await admin.query<RowDataPacket[]>(
        `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND LEFT(INFO, ?) = ?`,
        [database.name, statement.length, statement],
      );
      if (rows.length > 1) throw new Error(`${rows.length} connections run '${statement}' in ${database.name}; expected the append's alone.`);
      found = rows.length === 1 ? Number(rows[0].id) : undefined;
      return found !== undefined;
    },
    `a connection running '${statement}' in ${database.name} (does the append wait on the blocker's row?)`,
    10_000,
    10,
  );
  return found!;
}

describe('MySqlEventStore on MariaDB', () => {
  it('loses nothing when 50 updates of one aggregate race from 10 separate pools', async () => {
    const retry = { maxAttempts: 200, initialDelayMs: 1, maxDelayMs: 30 };
    const repositories = Array.from({ length: 10 }, () => new AggregateRepository(openStore({ poolSize: 5 }), { retry }));
    const { id } = await repositories[0].create(Counter, new OpenCounter(0));
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => repositories[i % repositories.length].update(Counter, id, new AddToCounter(i + 1))),
    );
    const found = await repositories[3].find(Counter, id);
    expect(found.version).toBe(51);
    expect(found.aggregate.total.value).toBe((50 * 51) / 2);
    const versions = (await stores[7].readStream('ContractCounter', id)).map((e) => e.version);
    expect(versions).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  describe('a connection killed in the middle of an append', () => {
    it('leaves no trace of a create', async () => {
      const store = openStore({ poolSize: 2 });
      const id = newId();
      const events = [counterEvent(id, 1), counterEvent(id, 2)];
      // The entity row and event 1 are written when event 2's version waits on the blocker's row.
      const error = await appendKilledWhileWaiting(store, { aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events }, {
        sql: `INSERT INTO ${store.tables.events} ${INSERT_EVENT_COLUMNS} VALUES ${EVENT_PLACEHOLDERS}`,
        values: eventValues({ ...events[1], eventId: newId() }, 1024).values,
        waitsIn: `INSERT INTO ${store.tables.events}`,
      });
      expect(error).toBeInstanceOf(MySqlConnectionLostError);
      expect(error).toMatchObject({ outcomeUnknown: false });
      expect(await store.load('ContractCounter', id)).toBeUndefined();
      const [entities] = await store.pool.query(`SELECT * FROM ${store.tables.entities} WHERE entity_id = ?`, [id]);
      expect(entities).toEqual([]);
      // The id is still free and the pool has replaced the dead connection.
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: [counterEvent(id, 1)] });
      expect((await store.load('ContractCounter', id))?.version).toBe(1);
    });

    it('leaves no trace of an update with a snapshot', async () => {
      const store = openStore({ poolSize: 2 });
      const id = newId();
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: [counterEvent(id, 1)] });
      // The entity's version and both events are written when the snapshot waits on the blocker's row: the last write before COMMIT.
      const error = await appendKilledWhileWaiting(
        store,
        {
          aggregateType: 'ContractCounter',
          aggregateId: id,
          expectedVersion: 1,
          events: [counterEvent(id, 2), counterEvent(id, 3)],
          snapshot: { aggregateType: 'ContractCounter', aggregateId: id, version: 3, snapshotType: 'ContractCounter', snapshotJson: '{}' },
        },
        {
          sql: `INSERT INTO ${store.tables.snapshots} (entity_type, entity_id, entity_version, snapshot_type, snapshot_json) VALUES (?, ?, ?, ?, ?)`,
          values: ['ContractCounter', id, 3, 'ContractCounter', '{"blocker":true}'],
          waitsIn: `INSERT INTO ${store.tables.snapshots}`,
        },
      );
      expect(error).toBeInstanceOf(MySqlConnectionLostError);
      expect(error).toMatchObject({ outcomeUnknown: false });
      const stream = await store.load('ContractCounter', id);
      expect(stream).toMatchObject({ version: 1, snapshot: undefined });
      expect(await store.readStream('ContractCounter', id)).toHaveLength(1);
      const [[entity]] = await store.pool.query<RowDataPacket[]>(`SELECT entity_version FROM ${store.tables.entities} WHERE entity_id = ?`, [id]);
      expect(entity.entity_version).toBe(1);
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 1, events: [counterEvent(id, 2)] });
      expect((await store.load('ContractCounter', id))?.version).toBe(2);
    });
  });

  it('loads a 10 050-event aggregate from its snapshot, reading only the events after it', async () => {
    // One connection, so the session's handler counters are those of the load.
    const store = openStore({ poolSize: 1 });
    const repository = new AggregateRepository(store, { snapshots: { MySqlTestLedger: afterEvents(100) } });
    const { id } = await repository.create(Ledger, new OpenLedger('ada'));
    for (let i = 0; i < 100; i++) await repository.update(Ledger, id, new PostEntries(100));
    await repository.update(Ledger, id, new PostEntries(49));

    const rowsRead = async () => {
      const [rows] = await store.pool.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Handler_read%'");
      return rows.reduce((sum, row) => sum + Number(row.Value), 0);
    };
    const idle = (await rowsRead()) - (await rowsRead());
    const before = await rowsRead();
    const stream = await store.load('MySqlTestLedger', id);
    const read = (await rowsRead()) - before - Math.abs(idle);

    expect(stream?.version).toBe(10_050);
    expect(stream?.snapshot?.version).toBe(10_001);
    expect(stream?.events).toHaveLength(49);
    expect(read).toBeLessThan(200);

    const found = await repository.find(Ledger, id);
    expect(found.snapshotVersion).toBe(10_001);
    expect(found.aggregate).toMatchObject({ owner: 'ada', entries: 10_049, balance: 10_049 });
    expect(await store.readStream('MySqlTestLedger', id)).toHaveLength(10_050);
  });

  it('loads an aggregate whose latest snapshot is at its current version', async () => {
    const store = openStore();
    const repository = new AggregateRepository(store, { snapshots: { MySqlTestLedger: afterEvents(10) } });
    const { id } = await repository.create(Ledger, new OpenLedger('bob'));
    await repository.update(Ledger, id, new PostEntries(9), { triggeringEvent: { eventId: 'trigger-a' } });
    const stream = await store.load('MySqlTestLedger', id, { triggeringEventId: 'trigger-a' });
    expect(stream).toMatchObject({ version: 10, snapshot: { version: 10 }, events: [], alreadyTriggeredBy: true });
    expect((await store.load('MySqlTestLedger', id, { triggeringEventId: 'trigger-b' }))?.alreadyTriggeredBy).toBe(false);
    expect((await repository.find(Ledger, id)).aggregate.entries).toBe(9);
  });

  it('stores timestamps in UTC whatever the process time zone, and reads metadata and positions back', async () => {
    const store = openStore();
    const id = newId();
    const timestamp = new Date('2024-03-31T01:30:00.123Z');
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      await store.append({
        aggregateType: 'ContractCounter',
        aggregateId: id,
        expectedVersion: 0,
        events: [counterEvent(id, 1, { timestamp, metadata: { correlationId: 'c-1', schemaVersion: 2, tenant: 'ünïcødé 🧵' } })],
      });
      const [[row]] = await store.pool.query<RowDataPacket[]>(
        `SELECT DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f') AS at FROM ${store.tables.events} WHERE entity_id = ?`,
        [id],
      );
      expect(row.at).toBe('2024-03-31T01:30:00.123000');
      await store.pool.query(`UPDATE ${store.tables.events} SET position_slot = 42 WHERE entity_id = ?`, [id]);
      const [event] = (await store.load('ContractCounter', id))!.events;
      expect(event.timestamp).toBeInstanceOf(Date);
      expect(event.timestamp.getTime()).toBe(timestamp.getTime());
      expect(event.metadata).toEqual({ correlationId: 'c-1', schemaVersion: 2, tenant: 'ünïcødé 🧵' });
      expect(event.position).toBe(42);
      expect(event.triggeringEventId).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('appends thousands of events at once, in several statements of one transaction', async () => {
    const store = openStore();
    const id = newId();
    const big = 'x'.repeat(3000);
    const events = Array.from({ length: 2500 }, (_, i) => counterEvent(id, i + 1, { eventData: JSON.stringify({ big }) }));
    await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events });
    expect((await store.load('ContractCounter', id))?.version).toBe(2500);
  });

  it('tells ids apart by case, as every other back end does', async () => {
    const store = openStore();
    const id = `Case-${newId()}`;
    const lower = id.toLowerCase();
    const [mixedEvent, lowerEvent] = [counterEvent(id, 1), counterEvent(lower, 1)];
    await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: [mixedEvent] });
    await store.append({ aggregateType: 'ContractCounter', aggregateId: lower, expectedVersion: 0, events: [lowerEvent] });
    // load() labels the events with the id it was asked for, so what tells the two apart is which events each finds.
    expect((await store.load('ContractCounter', id))?.events.map((e) => e.eventId)).toEqual([mixedEvent.eventId]);
    expect((await store.load('ContractCounter', lower))?.events.map((e) => e.eventId)).toEqual([lowerEvent.eventId]);
    const [rows] = await database.pool.query<RowDataPacket[]>('SELECT entity_id FROM events WHERE event_id = ?', [mixedEvent.eventId]);
    expect(rows.map((row) => row.entity_id)).toEqual([id]);
  });

  it('reports a stale append to an aggregate that does not exist as a lost race', async () => {
    const store = openStore();
    const id = newId();
    await expect(
      store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 3, events: [counterEvent(id, 4)] }),
    ).rejects.toBeInstanceOf(OptimisticConcurrencyError);
  });

  it('works with a table prefix', async () => {
    const prefixed = await createTestDatabase('prefix', { migrated: true, tablePrefix: 'orders_' });
    const store = new MySqlEventStore({ url: prefixed.url, tablePrefix: 'orders_' });
    try {
      const id = newId();
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: [counterEvent(id, 1)] });
      const [rows] = await store.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM `orders_events`');
      expect(Number(rows[0].n)).toBe(1);
      await store.ready({ timeoutMs: 5_000 });
    } finally {
      await store.close();
      await prefixed.drop();
    }
  });
});

