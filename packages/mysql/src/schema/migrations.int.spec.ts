import { createConnection, RowDataPacket } from 'mysql2/promise';
import { runCli } from '../cli';
import { createTestDatabase, TestDatabase } from '../test-support/test-database';
import { migrate, SCHEMA_VERSION } from './migrations';

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
    expect(await migrate(database.url)).toEqual({ applied: [1, 2], version: SCHEMA_VERSION });
    expect(await migrate(database.url)).toEqual({ applied: [], version: SCHEMA_VERSION });
    expect(await tablesOf(database)).toEqual(['entities', 'eventloom_migrations', 'events', 'received_events', 'snapshots', 'subscriber_positions']);
  });

  it('is safe when several processes run it at once', async () => {
    const database = await fresh('mig_concurrent');
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(database.url)));
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    expect(results.every((r) => r.version === SCHEMA_VERSION)).toBe(true);
  });

  it('keeps the tables of two prefixes apart in one database', async () => {
    const database = await fresh('mig_prefix');
    expect((await migrate(database.url, { tablePrefix: 'orders_' })).applied).toEqual([1, 2]);
    expect((await migrate(database.url, { tablePrefix: 'customers_' })).applied).toEqual([1, 2]);
    expect(await tablesOf(database)).toContain('orders_events');
    expect(await tablesOf(database)).toContain('customers_eventloom_migrations');
  });

  it('runs from the CLI, creating the database on request', async () => {
    const database = await fresh('mig_cli');
    await database.drop();
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`ERR ${l}`) };
    expect(await runCli(['migrate', '--mysql', database.url, '--create-database', '--table-prefix', 'svc_'], io)).toBe(0);
    expect(await runCli(['migrate', `--mysql=${database.url}`, '--table-prefix=svc_'], io)).toBe(0);
    expect(lines).toEqual([
      `Created database '${database.name}'.`,
      `Migrated ${database.url} (table prefix 'svc_') to schema version ${SCHEMA_VERSION} (applied 1, 2).`,
      `${database.url} (table prefix 'svc_') is already at schema version ${SCHEMA_VERSION}.`,
    ]);
    expect(await tablesOf(database)).toContain('svc_events');
  });

  it('reports a server it cannot reach with exit code 1', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    expect(await runCli(['migrate', '--mysql', 'mysql://root@127.0.0.1:1/x'], io)).toBe(1);
    expect(lines.join('\n')).toMatch(/MySqlUnreachableError: .*127\.0\.0\.1:1/);
  });

});
