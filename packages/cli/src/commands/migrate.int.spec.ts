import { createConnection, RowDataPacket } from 'mysql2/promise';
import { SCHEMA_VERSION } from '@eventloom/mysql';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { cli } from '../../test/cli-harness';

describe('eventloom migrate (real MariaDB)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('cli_migrate');
    await database.drop();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('creates the database on request, migrates under a table prefix, and does nothing the second time', async () => {
    const first = await cli('migrate', '--mysql', database.url, '--create-database', '--table-prefix', 'svc_');
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out.split('\n')).toEqual([
      `Created database '${database.name}'.`,
      `Migrated ${database.url} (table prefix 'svc_') to schema version ${SCHEMA_VERSION} (applied ${Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1).join(', ')}).`,
    ]);
    const second = await cli('migrate', `--mysql=${database.url}`, '--table-prefix=svc_', '--json');
    expect(second.json()).toEqual({ database: database.name, createdDatabase: false, applied: [], version: SCHEMA_VERSION });
    const connection = await createConnection(database.url);
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [database.name]);
      expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['svc_events', 'svc_replays', 'svc_parked_events']));
    } finally {
      await connection.end();
    }
  });

  it('reports a server it cannot reach with exit code 1, and a bad flag with the usage and exit code 2', async () => {
    const unreachable = await cli('migrate', '--mysql', 'mysql://root@127.0.0.1:1/x');
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/MySqlUnreachableError: .*127\.0\.0\.1:1/);
    const bad = await cli('migrate', '--mysql', database.url, '--nope');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown option '--nope'/);
    const badWait = await cli('migrate', '--mysql', database.url, '--wait-ms', 'soon');
    expect(badWait.code).toBe(2);
    expect(badWait.err).toMatch(/--wait-ms must be a whole number, got 'soon'/);
  });
});
