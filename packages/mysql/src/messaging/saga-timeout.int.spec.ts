import { PoolConnection } from 'mysql2/promise';
import { defineSaga, Eventloom, Outbox, SagaManager, silentLogger } from '@eventloom/core';
import { HoldSeats, SEAT_CHANNEL } from '@eventloom/testing/contract';
import { createTestDatabase, eventually, mysqlCounters, TestDatabase } from '@eventloom/test-support';
import { MySqlEventStore } from '../mysql-event-store';
import { MySqlDeadLetterStore } from '../deadLetters/mysql-dead-letter-store';
import { mysqlInProcessTransport } from '../publication/in-process-transport';
import { mysqlMessaging, mysqlMessagingBackend } from './mysql-messaging';

describe('a saga deadline on MySQL', () => {
  let database: TestDatabase;
  let counters: Awaited<ReturnType<typeof mysqlCounters>>;

  beforeAll(async () => {
    database = await createTestDatabase('saga_timeout', { migrated: true });
    counters = await mysqlCounters(database.pool);
  });

  afterAll(async () => {
    await database.drop();
  });

  const saga = () =>
    defineSaga<{ key: string; log: string[] }, PoolConnection>('TimeoutSaga')
      .step()
      .invokeLocal(() => undefined)
      .withCompensation(async (data, ctx) => counters.add(ctx.tx, `compensated:${data.key}`, 1))
      .step()
      .invokeParticipant(SEAT_CHANNEL, (data) => new HoldSeats(data.key, 1)) // nobody answers
      .withTimeout(500, (data) => void data.log.push('timed out'))
      .build();

  async function service() {
    const store = new MySqlEventStore({ url: database.url });
    const { transport } = await mysqlInProcessTransport(store, { pollIntervalMs: 5, logger: silentLogger });
    const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger });
    const messaging = mysqlMessaging(eventloom, { logger: silentLogger, timerIntervalMs: 10 });
    const sagas = await messaging.sagas(saga());
    return { sagas, close: async () => (await messaging.close(), await eventloom.close()) };
  }

  it('survives a restart and fires once, even with two processes watching it', async () => {
    // Started while no service runs (a process that died right after): the deadline is in the saga_instance row.
    const store = new MySqlEventStore({ url: database.url });
    const backend = mysqlMessagingBackend(store);
    const starter = new SagaManager(saga(), { ...backend, outbox: new Outbox(backend.outbox), instances: backend.sagaInstances, logger: silentLogger });
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const ids = await Promise.all(keys.map((key) => starter.start({ key, log: [] })));
    await store.close();

    const [one, two] = await Promise.all([service(), service()]);
    try {
      await eventually(async () => (await one.sagas.list('COMPENSATED')).length === keys.length, 'every saga times out', 30_000);
      for (const [i, key] of keys.entries()) {
        expect(await counters.read(`compensated:${key}`)).toBe(1);
        const state = (await two.sagas.find(ids[i]))!;
        expect(state.data.log).toEqual(['timed out']);
        expect(state.reason).toBe(`step 2 (ContractHoldSeats to '${SEAT_CHANNEL}') got no reply within 500 ms`);
      }
    } finally {
      await one.close();
      await two.close();
    }
  });
});
