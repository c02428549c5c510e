import path from 'node:path';
import { silentLogger } from '@eventloom/core';
import { ChildPublisher, createTestDatabase, mysqlCounters, TestDatabase } from '@eventloom/test-support';
import { eventually } from '@eventloom/testing';
import { SagaManager } from '@eventloom/core';
import { Outbox } from '@eventloom/core';
import { MySqlEventStore } from '../mysql-event-store';
import { mysqlMessagingBackend } from './mysql-messaging';
import { crashSaga } from '../../test/saga-worker';

const worker = path.join(__dirname, '..', '..', 'test', 'saga-worker.ts');

describe('a saga service killed with -9 mid-saga', () => {
  let database: TestDatabase;
  let store: MySqlEventStore;
  let counters: Awaited<ReturnType<typeof mysqlCounters>>;
  const children: ChildPublisher[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('saga_crash', { migrated: true });
    counters = await mysqlCounters(database.pool);
    store = new MySqlEventStore({ url: database.url });
  });

  afterAll(async () => {
    for (const child of children) await child.crash();
    await store.close();
    await database.drop();
  });

  const counter = (key: string) => counters.read(key);

  it('resumes every saga after a restart, with no step run twice', async () => {
    // The sagas are started here (no subscription, no timer): their first commands wait in the outbox.
    const backend = mysqlMessagingBackend(store);
    const starter = new SagaManager(crashSaga(counters.add), {
      transactions: backend.transactions,
      outbox: new Outbox(backend.outbox),
      received: backend.received,
      instances: backend.sagaInstances,
      logger: silentLogger,
    });
    const keys = Array.from({ length: 20 }, (_, i) => `seat-${i}`);
    const sagaIds = await Promise.all(keys.map((key) => starter.start({ key, seats: 2, log: [] })));

    const first = await ChildPublisher.start(worker, ['--mysql', database.url, '--handler-delay-ms', '40']);
    children.push(first);
    // Kill it once some sagas moved past their first participant but not all finished.
    await eventually(async () => (await counter(`second:${keys[2]}`)) > 0 || (await counter(`second:${keys[0]}`)) > 0, 'some sagas half-way', 20_000, 5).catch((error) => {
      throw new Error(`${String(error)}; the worker said:\n${first.output.join('\n')}`);
    });
    await first.crash();
    const done = (await starter.list('COMPLETED')).length;
    expect(done).toBeLessThan(keys.length);

    const second = await ChildPublisher.start(worker, ['--mysql', database.url, '--handler-delay-ms', '0']);
    children.push(second);
    await eventually(async () => (await starter.list('COMPLETED')).length === keys.length, 'every saga completes', 60_000);
    for (const key of keys) {
      expect({ key, held: await counter(key), second: await counter(`second:${key}`), opened: await counter(`opened:${key}`), confirmed: await counter(`confirmed:${key}`) }).toEqual({
        key,
        held: 2,
        second: 1,
        opened: 1,
        confirmed: 1,
      });
    }
    expect(new Set(sagaIds).size).toBe(keys.length);
    await second.stop();
  }, 120_000);
});
