import { createConnection, RowDataPacket } from 'mysql2/promise';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { migrate, migrateUpTo, SCHEMA_VERSION } from './migrations';
import { lockNameFor } from '../publication/leader-lock';

async function tablesOf(database: TestDatabase): Promise<string[]> {
  const connection = await createConnection(database.url);
  try {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
      [database.name],
    );
    return rows.map((row) => String(row.name));
  } finally {
    await connection.end();
  }
}

describe('migrate', () => {
  const databases: TestDatabase[] = [];
  const fresh = async (label: string) => {
    const database = await createTestDatabase(label);
    databases.push(database);
    return database;
  };
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('creates the tables once and does nothing the second time', async () => {
    const database = await fresh('mig_twice');
    expect(await migrate(database.url)).toEqual({ applied: [1, 2, 3, 4, 5, 6, 7, 8], version: SCHEMA_VERSION });
    expect(await migrate(database.url)).toEqual({ applied: [], version: SCHEMA_VERSION });
    expect(await tablesOf(database)).toEqual([
      'entities',
      'eventloom_migrations',
      'events',
      'parked_events',
      'publication',
      'rebuild_marks',
      'received_events',
      'received_messages',
      'replays',
      'saga_instance',
      'snapshots',
      'subscriber_positions',
    ]);
  });

  it('is safe when several processes run it at once', async () => {
    const database = await fresh('mig_concurrent');
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(database.url)));
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    expect(results.every((r) => r.version === SCHEMA_VERSION)).toBe(true);
  });

  it('keeps the tables of two prefixes apart in one database', async () => {
    const database = await fresh('mig_prefix');
    expect((await migrate(database.url, { tablePrefix: 'orders_' })).applied).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await migrate(database.url, { tablePrefix: 'customers_' })).applied).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await tablesOf(database)).toContain('orders_events');
    expect(await tablesOf(database)).toContain('customers_eventloom_migrations');
  });

  it('version 3 creates the dead-letter and rebuild-mark tables under the prefix, with the keys and options of every table', async () => {
    const database = await fresh('mig_v3');
    await migrate(database.url, { tablePrefix: 'svc_' });
    const connection = await createConnection(database.url);
    try {
      const [tables] = await connection.query<RowDataPacket[]>(
        `SELECT TABLE_NAME AS name, ENGINE AS engine, TABLE_COLLATION AS collation, ROW_FORMAT AS rowFormat
           FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN ('svc_parked_events', 'svc_rebuild_marks', 'parked_events') ORDER BY TABLE_NAME`,
        [database.name],
      );
      expect(tables.map((t) => ({ ...t }))).toEqual([
        { name: 'svc_parked_events', engine: 'InnoDB', collation: 'utf8mb4_bin', rowFormat: 'Dynamic' },
        { name: 'svc_rebuild_marks', engine: 'InnoDB', collation: 'utf8mb4_bin', rowFormat: 'Dynamic' },
      ]);
      const [keys] = await connection.query<RowDataPacket[]>(
        `SELECT TABLE_NAME AS tableName, INDEX_NAME AS indexName, NON_UNIQUE AS nonUnique, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN ('svc_parked_events', 'svc_rebuild_marks')
           GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE ORDER BY TABLE_NAME, INDEX_NAME`,
        [database.name],
      );
      expect(keys.map((k) => [k.tableName, k.indexName, Number(k.nonUnique), k.columns])).toEqual([
        ['svc_parked_events', 'parked_aggregate', 1, 'subscriber_id,aggregate_type,aggregate_id'],
        ['svc_parked_events', 'parked_event', 0, 'subscriber_id,event_id'],
        ['svc_parked_events', 'PRIMARY', 0, 'id'],
        ['svc_rebuild_marks', 'PRIMARY', 0, 'subscriber_id'],
      ]);
      const [columns] = await connection.query<RowDataPacket[]>(
        `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'svc_parked_events' ORDER BY ORDINAL_POSITION`,
        [database.name],
      );
      expect(columns.map((c) => c.name)).toEqual([
        'id', 'subscriber_id', 'event_id', 'event_type', 'aggregate_type', 'aggregate_id', 'version', 'position',
        'event_json', 'error', 'attempts', 'park_count', 'parked_at',
      ]);
    } finally {
      await connection.end();
    }
  });

  it('version 5 creates the replays table under the prefix', async () => {
    const database = await fresh('mig_v5');
    await migrate(database.url, { tablePrefix: 'svc_' });
    expect(await tablesOf(database)).toContain('svc_replays');
  });

  it('version 6 gives snapshots a schema version, 1 for those written before; running it again changes nothing', async () => {
    const database = await fresh('mig_v6');
    await migrate(database.url, { tablePrefix: 'svc_' });
    const connection = await createConnection(database.url);
    try {
      // A database at version 3 with a snapshot in it: as an older release left it.
      await connection.query('ALTER TABLE svc_snapshots DROP COLUMN snapshot_schema_version');
      await connection.query('DELETE FROM svc_eventloom_migrations WHERE version = 6');
      await connection.query(`INSERT INTO svc_snapshots (entity_type, entity_id, entity_version, snapshot_type, snapshot_json) VALUES ('Order', 'o-1', 3, 'Order', '{}')`);
      expect((await migrate(database.url, { tablePrefix: 'svc_' })).applied).toEqual([6]);
      const [rows] = await connection.query<RowDataPacket[]>('SELECT snapshot_schema_version AS v FROM svc_snapshots');
      expect(rows.map((r) => r.v)).toEqual([1]);
      // A run that died after the ALTER, before recording the migration, runs it again safely.
      await connection.query('DELETE FROM svc_eventloom_migrations WHERE version = 6');
      expect((await migrate(database.url, { tablePrefix: 'svc_' })).applied).toEqual([6]);
      const [columns] = await connection.query<RowDataPacket[]>(
        `SELECT COLUMN_NAME AS name, COLUMN_DEFAULT AS def, IS_NULLABLE AS nullable FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'svc_snapshots' AND COLUMN_NAME = 'snapshot_schema_version'`,
        [database.name],
      );
      expect(columns.map((c) => ({ ...c }))).toEqual([{ name: 'snapshot_schema_version', def: '1', nullable: 'NO' }]);
    } finally {
      await connection.end();
    }
  });

  it('version 7 turns the published flags into a published position: one before the first sequenced event not marked, else the last', async () => {
    const database = await fresh('mig_v7');
    await migrateUpTo(database.url, 7, { tablePrefix: 'svc_' });
    const connection = await createConnection(database.url);
    const publishedPosition = async () =>
      Number((await connection.query<RowDataPacket[]>('SELECT published_position AS p FROM svc_publication WHERE id = 1'))[0][0].p);
    const asAtVersion6 = async () => {
      await connection.query('DROP TABLE svc_publication');
      await connection.query('DELETE FROM svc_eventloom_migrations WHERE version = 7');
    };
    try {
      // An empty store starts at 0.
      expect(await publishedPosition()).toBe(0);
      // As an older release left it: positions 1-3 marked, 4 sequenced and sent but not marked, one event awaiting a position.
      await asAtVersion6();
      const insert = (n: number, position: number | null, published: number) =>
        connection.query(
          `INSERT INTO svc_events (event_id, event_type, event_data, entity_type, entity_id, entity_version, metadata, created_at, published, position)
           VALUES (?, 'E', '{}', 'A', 'a', ?, '{}', NOW(6), ?, ?)`,
          [`e${n}`, n, published, position],
        );
      await insert(1, 1, 1);
      await insert(2, 2, 1);
      await insert(3, 3, 1);
      await insert(4, 4, 0);
      await insert(5, null, 0);
      expect((await migrateUpTo(database.url, 7, { tablePrefix: 'svc_' })).applied).toEqual([7]);
      expect(await publishedPosition()).toBe(3);
      // Every sequenced event marked: the last position.
      await asAtVersion6();
      await connection.query('UPDATE svc_events SET published = 1 WHERE position = 4');
      expect((await migrateUpTo(database.url, 7, { tablePrefix: 'svc_' })).applied).toEqual([7]);
      expect(await publishedPosition()).toBe(4);
      // A run that died after seeding, before recording the migration, leaves the position as it is.
      await connection.query('UPDATE svc_publication SET published_position = 5 WHERE id = 1');
      await connection.query('DELETE FROM svc_eventloom_migrations WHERE version = 7');
      expect((await migrateUpTo(database.url, 7, { tablePrefix: 'svc_' })).applied).toEqual([7]);
      expect(await publishedPosition()).toBe(5);
    } finally {
      await connection.end();
    }
  });

  describe('version 8: positions in a fixed-size slot', () => {
    const asAtVersion7 = async (label: string) => {
      const database = await fresh(label);
      await migrateUpTo(database.url, 7, { tablePrefix: 'svc_' });
      const connection = await createConnection(database.url);
      // As an older release left it: three events with positions, one awaiting its position.
      for (const [n, position] of [[1, 1], [2, 2], [3, 3], [4, null]] as const) {
        await connection.query(
          `INSERT INTO svc_events (event_id, event_type, event_data, entity_type, entity_id, entity_version, metadata, created_at, position)
           VALUES (?, 'E', '{}', 'A', 'a', ?, '{}', NOW(6), ?)`,
          [`e${n}`, n, position],
        );
      }
      return { database, connection };
    };
    const rows = async (connection: Awaited<ReturnType<typeof createConnection>>) =>
      (await connection.query<RowDataPacket[]>('SELECT event_id AS e, position AS p, position_slot AS s FROM svc_events ORDER BY id'))[0].map((r) => [
        r.e,
        r.p === null ? null : Number(r.p),
        Number(r.s),
      ]);

    it('keeps every position, derives `position` from the slot, keeps it unique, and a write of `position` fails; running it again changes nothing', async () => {
      const { database, connection } = await asAtVersion7('mig_v8');
      try {
        expect((await migrate(database.url, { tablePrefix: 'svc_' })).applied).toEqual([8]);
        const expected = [['e1', 1, 1], ['e2', 2, 2], ['e3', 3, 3], ['e4', null, 0]];
        expect(await rows(connection)).toEqual(expected);
        // A new event takes the slot's default: no position yet.
        await connection.query(
          `INSERT INTO svc_events (event_id, event_type, event_data, entity_type, entity_id, entity_version, metadata, created_at)
           VALUES ('e5', 'E', '{}', 'A', 'a', 5, '{}', NOW(6))`,
        );
        expect((await rows(connection))[4]).toEqual(['e5', null, 0]);
        await expect(connection.query("UPDATE svc_events SET position_slot = 2 WHERE event_id = 'e4'")).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
        // What a publisher of an older release would do: refused, not written.
        await expect(connection.query("UPDATE svc_events SET position = 4 WHERE event_id = 'e4'")).rejects.toThrow(/generated column/);
        // A run that died after the ALTER, before recording the migration.
        await connection.query('DELETE FROM svc_eventloom_migrations WHERE version = 8');
        expect((await migrate(database.url, { tablePrefix: 'svc_' })).applied).toEqual([8]);
        expect((await rows(connection)).slice(0, 4)).toEqual(expected);
        const [keys] = await connection.query<RowDataPacket[]>(
          `SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS columns FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'svc_events' GROUP BY INDEX_NAME, NON_UNIQUE ORDER BY INDEX_NAME`,
          [database.name],
        );
        expect(keys.map((k) => [k.name, Number(k.nonUnique), k.columns])).toEqual([
          ['ix_events_triggering_event', 1, 'entity_type,entity_id,triggering_event'],
          ['PRIMARY', 0, 'id'],
          ['uq_events_entity_version', 0, 'entity_type,entity_id,entity_version'],
          ['uq_events_event_id', 0, 'event_id'],
          ['uq_events_position', 0, 'position'],
        ]);
      } finally {
        await connection.end();
      }
    });

    it('does not run while a publisher leads: it waits for the publisher lock, then refuses naming it and writes nothing', async () => {
      const { database, connection } = await asAtVersion7('mig_v8_lock');
      const publisher = await createConnection(database.url);
      try {
        const lock = await lockNameFor(publisher, 'svc_');
        await publisher.query('SELECT GET_LOCK(?, 0)', [lock]);
        const refused: Error = await migrate(database.url, { tablePrefix: 'svc_', lockTimeoutSeconds: 1 }).then(
          () => new Error('migrated while a publisher held its lock'),
          (error: Error) => error,
        );
        expect(refused.message).toMatch(/^Migration 8 .* held by connection \d+ .*Stop every service instance that publishes/);
        expect(refused.message).toContain(`lock '${lock}'`);
        const [[generated]] = await connection.query<RowDataPacket[]>(
          `SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'svc_events' AND COLUMN_NAME = 'position_slot'`,
          [database.name],
        );
        expect(Number(generated.n)).toBe(0);
        await publisher.query('SELECT RELEASE_LOCK(?)', [lock]);
        expect((await migrate(database.url, { tablePrefix: 'svc_' })).applied).toEqual([8]);
        expect(await rows(connection)).toEqual([['e1', 1, 1], ['e2', 2, 2], ['e3', 3, 3], ['e4', null, 0]]);
      } finally {
        await publisher.end();
        await connection.end();
      }
    });
  });
});
