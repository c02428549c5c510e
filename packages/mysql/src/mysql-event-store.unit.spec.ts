import { EventTooLargeError } from '@eventloom/core';
import { NewEvent } from '@eventloom/core/spi';
import { MYSQL_URL_ENV } from './connection';
import { MySqlConfigError } from './errors';
import { mysqlEventStore, MySqlEventStore } from './mysql-event-store';

// Port 1: if a check below failed to stop before I/O, the test would see a connection error instead.
const url = 'mysql://root:secret@127.0.0.1:1/orders';

const event = (version: number, overrides: Partial<NewEvent> = {}): NewEvent => ({
  eventId: `0190a5a4-7b1e-7cc2-9b1f-1f1d7e0c11${String(version).padStart(2, '0')}`,
  eventType: 'Thing',
  eventData: '{}',
  aggregateType: 'Agg',
  aggregateId: 'a',
  version,
  metadata: { correlationId: 'c', schemaVersion: 1 },
  timestamp: new Date(),
  ...overrides,
});

describe('MySqlEventStore, before any I/O', () => {
  let store: MySqlEventStore;
  beforeEach(() => {
    store = new MySqlEventStore({ url, maxEventBytes: 100 });
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps the password out of its url', () => {
    expect(store.url).toBe('mysql://root:***@127.0.0.1:1/orders');
  });

  it('refuses an event over maxEventBytes', async () => {
    const append = store.append({ aggregateType: 'Agg', aggregateId: 'a', expectedVersion: 0, events: [event(1, { eventData: `"${'x'.repeat(200)}"` })] });
    await expect(append).rejects.toBeInstanceOf(EventTooLargeError);
  });

  it('refuses malformed appends', async () => {
    const append = (request: Partial<Parameters<MySqlEventStore['append']>[0]>) =>
      store.append({ aggregateType: 'Agg', aggregateId: 'a', expectedVersion: 0, events: [event(1)], ...request });
    await expect(append({ events: [] })).rejects.toThrow(/no events/);
    await expect(append({ events: [event(2)] })).rejects.toThrow(/version 2, expected 1/);
    await expect(append({ expectedVersion: -1 })).rejects.toThrow(/expectedVersion/);
    await expect(append({ events: [event(1, { aggregateId: 'b' })] })).rejects.toThrow(/belongs to Agg 'b'/);
    const snapshot = { aggregateType: 'Agg', aggregateId: 'a', version: 2, snapshotType: 'Agg', snapshotJson: '{}' };
    await expect(append({ snapshot })).rejects.toThrow(/at a version this append writes/);
    await expect(append({ snapshot: { ...snapshot, version: 1, aggregateId: 'b' } })).rejects.toThrow(/must be of this aggregate/);
  });

  it(`takes its URL from $${MYSQL_URL_ENV}, or says it needs one`, async () => {
    const saved = process.env[MYSQL_URL_ENV];
    try {
      process.env[MYSQL_URL_ENV] = 'mysql://root@env-host:3310/db';
      const fromEnv = mysqlEventStore();
      expect(fromEnv.target).toMatchObject({ host: 'env-host', port: 3310, database: 'db' });
      await fromEnv.close();
      delete process.env[MYSQL_URL_ENV];
      expect(() => mysqlEventStore()).toThrow(MySqlConfigError);
    } finally {
      if (saved === undefined) delete process.env[MYSQL_URL_ENV];
      else process.env[MYSQL_URL_ENV] = saved;
    }
  });

  it('closes twice without complaint', async () => {
    await store.close();
    await store.close();
  });
});
