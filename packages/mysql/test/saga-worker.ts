// A test program, run as a child process by messaging/saga-crash.int.spec.ts (through ChildPublisher):
// one service on MySQL with the in-process publisher, the contract's seat handlers (slowed, so a kill -9
// lands mid-saga) and the booking saga, whose last local step counts its runs in the `counters` table.
//   node -r <test-support>/register.js saga-worker.ts --mysql <url> --handler-delay-ms <n>
import { parseArgs } from 'node:util';
import { PoolConnection } from 'mysql2/promise';
// By path: the child's module hook maps the published packages, not test-support.
import { mysqlCounters } from '../../test-support/src/counters';
import { consoleLogger, defineSaga, Eventloom, silentLogger } from '@eventloom/core';
import { describeError, sleep } from '@eventloom/core/spi';
import { BookingData, HoldSeats, ReleaseSeats, SEAT_CHANNEL, seatHandlers } from '@eventloom/testing/contract';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlInProcessTransport, mysqlMessaging } from '@eventloom/mysql';

export const CRASH_SAGA = 'CrashBookingSaga';

type AddToCounter = (tx: PoolConnection, key: string, n: number) => Promise<void>;

/** The saga's local steps count their runs with `add` (mysqlCounters' add). */
export function crashSaga(addToCounter: AddToCounter) {
  return defineSaga<BookingData, PoolConnection>(CRASH_SAGA)
    .step()
    .invokeLocal(async (data, ctx) => {
      await addToCounter(ctx.tx, `opened:${data.key}`, 1);
    })
    .step()
    .invokeParticipant(SEAT_CHANNEL, (data) => new HoldSeats(data.key, data.seats))
    .withCompensation(SEAT_CHANNEL, (data) => new ReleaseSeats(data.key, data.seats))
    .step()
    .invokeParticipant(SEAT_CHANNEL, (data) => new HoldSeats(`second:${data.key}`, 1))
    .step()
    .invokeLocal(async (data, ctx) => {
      await addToCounter(ctx.tx, `confirmed:${data.key}`, 1);
    })
    .build();
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { mysql: { type: 'string' }, 'handler-delay-ms': { type: 'string' } } });
  if (!values.mysql) throw new Error('--mysql <url> is required.');
  const delay = Number(values['handler-delay-ms'] ?? 0);
  const store = new MySqlEventStore({ url: values.mysql });
  const { transport } = await mysqlInProcessTransport(store, { pollIntervalMs: 5, checkpointIntervalMs: 10, logger: silentLogger });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store), logger: consoleLogger });
  const messaging = mysqlMessaging(eventloom, { logger: consoleLogger, timerIntervalMs: 50 });
  const counters = await mysqlCounters(store.pool);
  const handlers = seatHandlers<PoolConnection>(counters);
  const hold = handlers.hold.bind(handlers);
  handlers.hold = async (ctx) => {
    await sleep(delay);
    return hold(ctx);
  };
  await messaging.handleCommands(handlers);
  await messaging.sagas(crashSaga(counters.add));
  consoleLogger.info(`saga worker: publisher started (pid ${process.pid})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await messaging.close();
  await eventloom.close();
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`saga-worker: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}
