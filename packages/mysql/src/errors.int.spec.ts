import { createServer, Server, Socket } from 'node:net';
import { createConnection, RowDataPacket } from 'mysql2/promise';
import { EventTooLargeError } from '@eventloom/core';
import { newId, NewEvent } from '@eventloom/core/spi';
import { MySqlDatabaseMissingError, MySqlSchemaMissingError, MySqlUnreachableError } from './errors';
import { MySqlEventStore } from './mysql-event-store';
import { mysqlViews } from './views/processed-events';
import { createTestDatabase, TEST_SERVER_URL, TestDatabase } from '@eventloom/test-support';

function event(aggregateId: string, version: number, eventData = '{}'): NewEvent {
  return {
    eventId: newId(),
    eventType: 'ErrorTestHappened',
    eventData,
    aggregateType: 'ErrorTest',
    aggregateId,
    version,
    metadata: { correlationId: newId(), schemaVersion: 1 },
    timestamp: new Date(),
  };
}

async function elapsed<T>(work: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: Date.now() - started, error };
}

/** A TCP server that accepts connections and never says a word, like a host that is up but hung. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('clear errors', () => {
  describe('server unreachable', () => {
    it('names host and port, at once, when nothing listens', async () => {
      for (const port of [1, await unusedPort()]) {
        const store = new MySqlEventStore({ url: `mysql://root@127.0.0.1:${port}/orders` });
        const { ms, error } = await elapsed(store.load('ErrorTest', 'x'));
        await store.close();
        expect(error).toBeInstanceOf(MySqlUnreachableError);
        expect((error as Error).message).toContain(`127.0.0.1:${port}`);
        expect((error as MySqlUnreachableError).retriable).toBe(true);
        expect(ms).toBeLessThan(3_000);
      }
    });

    it('ready() keeps retrying for timeoutMs and then gives up', async () => {
      const store = new MySqlEventStore({ url: 'mysql://root@127.0.0.1:1/orders' });
      const { ms, error } = await elapsed(store.ready({ timeoutMs: 1_000 }));
      await store.close();
      expect(error).toBeInstanceOf(MySqlUnreachableError);
      expect((error as Error).message).toMatch(/127\.0\.0\.1:1 .*gave up after 1000 ms/);
      expect(ms).toBeGreaterThanOrEqual(900);
      expect(ms).toBeLessThan(4_000);
    });

    it('ready() is bounded even when the server accepts but never answers', async () => {
      const server = await silentServer();
      const store = new MySqlEventStore({ url: `mysql://root@127.0.0.1:${server.port}/orders` });
      try {
        const { ms, error } = await elapsed(store.ready({ timeoutMs: 1_500 }));
        expect(error).toBeInstanceOf(MySqlUnreachableError);
        expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
        expect(ms).toBeLessThan(5_000);
      } finally {
        await store.close();
        await server.close();
      }
    });
  });

  it('names the database when it does not exist', async () => {
    const store = new MySqlEventStore({ url: `${TEST_SERVER_URL}/eventloom_no_such_database` });
    try {
      const failure = store.load('ErrorTest', 'x');
      await expect(failure).rejects.toBeInstanceOf(MySqlDatabaseMissingError);
      await expect(failure).rejects.toThrow(/'eventloom_no_such_database'.*createDatabaseIfMissing/);
    } finally {
      await store.close();
    }
  });

  describe('schema missing', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('noschema');
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('names the migrate command and function, on ready, load, append and views', async () => {
      const store = new MySqlEventStore({ url: database.url, tablePrefix: 'svc_' });
      try {
        const id = newId();
        const attempts: (() => Promise<unknown>)[] = [
          () => store.ready({ timeoutMs: 2_000 }),
          () => store.load('ErrorTest', id),
          () => store.readStream('ErrorTest', id),
          () => store.append({ aggregateType: 'ErrorTest', aggregateId: id, expectedVersion: 0, events: [event(id, 1)] }),
          () => mysqlViews(store).once({ subscriberId: 's', eventId: id }, async () => {}),
        ];
        for (const attempt of attempts) {
          const error = await attempt().then(() => undefined, (e: unknown) => e);
          expect(error).toBeInstanceOf(MySqlSchemaMissingError);
          expect((error as Error).message).toContain('npx eventloom migrate --mysql <url> --table-prefix svc_');
          expect((error as Error).message).toContain("migrate(url, { tablePrefix: 'svc_' })");
          expect((error as Error).message).toContain(database.name);
        }
      } finally {
        await store.close();
      }
    });
  });

  describe('event too large', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('large', { migrated: true });
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('is refused before anything is sent when over maxEventBytes', async () => {
      const store = new MySqlEventStore({ url: database.url, maxEventBytes: 1_024 });
      try {
        const id = newId();
        const failure = store.append({
          aggregateType: 'ErrorTest',
          aggregateId: id,
          expectedVersion: 0,
          events: [event(id, 1), event(id, 2, JSON.stringify({ text: 'é'.repeat(1_000) }))],
        });
        await expect(failure).rejects.toBeInstanceOf(EventTooLargeError);
        await expect(failure).rejects.toThrow(/'ErrorTestHappened' is \d+ bytes .* limit of 1024 bytes/);
        expect(await store.load('ErrorTest', id)).toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it("maps the server's packet limit to EventTooLargeError, and the store keeps working", async () => {
      const admin = await createConnection(database.url);
      const [[{ limit }]] = await admin.query<RowDataPacket[]>('SELECT @@max_allowed_packet AS `limit`');
      await admin.end();
      const store = new MySqlEventStore({ url: database.url, maxEventBytes: Number(limit) * 2, poolSize: 1 });
      try {
        const id = newId();
        const huge = JSON.stringify({ text: 'x'.repeat(Number(limit) + 1024) });
        const failure = store.append({ aggregateType: 'ErrorTest', aggregateId: id, expectedVersion: 0, events: [event(id, 1, huge)] });
        await expect(failure).rejects.toBeInstanceOf(EventTooLargeError);
        await expect(failure).rejects.toThrow(new RegExp(`limit of ${Number(limit)} bytes`));
        await store.append({ aggregateType: 'ErrorTest', aggregateId: id, expectedVersion: 0, events: [event(id, 1)] });
        expect((await store.load('ErrorTest', id))?.version).toBe(1);
      } finally {
        await store.close();
      }
    });
  });
});
