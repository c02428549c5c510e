import { createConnection, RowDataPacket } from 'mysql2/promise';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { migrate } from './migrations';
import { ApplicationMigration, migrateApplication } from './application-migrations';

const ordersV1: ApplicationMigration = { version: 1, name: 'orders', statements: ['CREATE TABLE IF NOT EXISTS orders (order_id VARCHAR(36) PRIMARY KEY)'] };
const ordersV2: ApplicationMigration = {
  version: 2,
  name: 'order state',
  statements: ['ALTER TABLE orders ADD COLUMN state VARCHAR(16) NOT NULL DEFAULT \'PENDING\''], // not idempotent: run twice, it fails
};

describe('migrateApplication', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('app_mig');
  });
  afterEach(() => database.drop());

  const query = async (sql: string) => {
    const connection = await createConnection(database.url);
    try {
      return (await connection.query<RowDataPacket[]>(sql))[0];
    } finally {
      await connection.end();
    }
  };

  it("applies an application's versions once each, in a ledger of its own beside the framework's", async () => {
    await migrate(database.url);
    expect(await migrateApplication(database.url, { component: 'order-service', migrations: [ordersV1] })).toEqual({ applied: [1], version: 1 });
    expect(await migrateApplication(database.url, { component: 'order-service', migrations: [ordersV1, ordersV2] })).toEqual({ applied: [2], version: 2 });
    expect(await migrateApplication(database.url, { component: 'order-service', migrations: [ordersV1, ordersV2] })).toEqual({ applied: [], version: 2 });
    // Another component's version 1 is its own, and the framework's ledger is untouched.
    const other: ApplicationMigration = { version: 1, name: 'audit', statements: ['CREATE TABLE IF NOT EXISTS audit (id INT PRIMARY KEY)'] };
    expect(await migrateApplication(database.url, { component: 'audit', migrations: [other] })).toEqual({ applied: [1], version: 1 });
    expect(await query('SELECT component, version, name FROM eventloom_app_migrations ORDER BY component, version')).toEqual([
      { component: 'audit', version: 1, name: 'audit' },
      { component: 'order-service', version: 1, name: 'orders' },
      { component: 'order-service', version: 2, name: 'order state' },
    ]);
    expect(await query('SELECT COUNT(*) AS n FROM orders WHERE state IS NULL')).toEqual([{ n: 0 }]);
    expect((await query('SELECT MAX(version) AS v FROM eventloom_migrations'))[0].v).toBeGreaterThan(2);
  });

  it('is safe when several processes run it at once', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => migrateApplication(database.url, { component: 'order-service', migrations: [ordersV1, ordersV2] })));
    expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2]);
  });

  it('refuses versions out of order, naming the migration', async () => {
    await expect(migrateApplication(database.url, { component: 'order-service', migrations: [ordersV2, ordersV1] })).rejects.toThrow(
      "Migrations of 'order-service' must have whole versions from 1, in increasing order: 'orders' has version 1 after 2.",
    );
  });
});
