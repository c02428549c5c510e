import { spawn } from 'node:child_process';
import path from 'node:path';
import { RowDataPacket } from 'mysql2/promise';
import { consumerGroupLags, KafkaSink, kafkaTopology } from '@eventloom/kafka';
import { MySqlPublicationLog, MySqlRebuildMarks } from '@eventloom/mysql';
import { brokers, eventloomCli, eventually, uniqueGroupId, uniqueTopicPrefix } from '@eventloom/test-support';
import { cli, ledgerServiceModule, serviceDatabase } from '../../test/cli-harness';
import { AddToCounter, Counter, OpenCounter } from '@eventloom/testing/contract';
import { createLedgerTables, Ledger, ledgerCounts } from '../../test/ledger-service';

const register = path.join(__dirname, '..', '..', '..', 'test-support', 'src', 'register.js');

/** `eventloom ...args` as its own process on the sources, slowed down per handled event, to be killed with SIGKILL. */
function childCli(args: string[], handlerDelayMs: number) {
  const child = spawn(process.execPath, ['-r', register, eventloomCli, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CLI_TEST_HANDLER_DELAY_MS: String(handlerDelayMs) },
  });
  const output: string[] = [];
  child.stdout.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** rebuild and replay against a real MariaDB (in process) and Kafka, including a kill -9 halfway. */
describe('eventloom rebuild and replay (real MariaDB and Kafka)', () => {
  let service: Awaited<ReturnType<typeof serviceDatabase>>;
  let url: string;
  const accounts = 2;
  const depositsEach = 59;
  const total = accounts * (depositsEach + 1);

  const replayRow = async () =>
    (await service.database.pool.query<RowDataPacket[]>("SELECT from_position, position FROM replays WHERE subscriber_id = 'ledger'"))[0][0];
  const emptyLedger = async () => {
    await service.database.pool.query('DELETE FROM cli_ledger');
    await service.database.pool.query('DELETE FROM cli_ledger_calls');
  };

  beforeAll(async () => {
    service = await serviceDatabase('cli_replay');
    url = service.database.url;
    await createLedgerTables(service.store.pool);
    const { repository } = service.eventloom;
    await Promise.all(
      Array.from({ length: accounts }, async (_, a) => {
        const { id } = await repository.create(Counter, new OpenCounter(a));
        for (let i = 1; i <= depositsEach; i++) await repository.update(Counter, id, new AddToCounter(i));
      }),
    );
    // The service's ledger handles everything once, then stops: the CLI replays it.
    const subscription = await service.eventloom.subscribe(new Ledger(service.store.pool));
    await service.eventloom.caughtUp();
    await subscription.close();
    expect(await ledgerCounts(service.database.pool)).toEqual({ events: total, calls: total });
  }, 120_000);
  afterAll(async () => {
    await service.close();
  });

  it('rebuild (in process), killed with SIGKILL halfway, resumes from its checkpoint and finishes without starting over', async () => {
    await emptyLedger();
    const first = childCli(['rebuild', 'ledger', '--mysql', url, '--service', ledgerServiceModule], 30);
    await eventually(async () => Number((await replayRow())?.position ?? 0) >= 20, 'the rebuild to get under way', 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const stoppedAt = Number((await replayRow()).position);
    const before = await ledgerCounts(service.database.pool);
    expect(before.events).toBeLessThan(total);
    const status = (await cli('status', '--mysql', url, '--json')).json();
    expect(status.subscribers.find((s: { subscriberId: string }) => s.subscriberId === 'ledger').replayInProgress).toEqual({ fromPosition: 1, position: expect.any(Number) });

    const second = await cli('rebuild', 'ledger', '--mysql', url, '--service', ledgerServiceModule, '--json');
    expect(second.code).toBe(0);
    const result = second.json();
    expect(result).toMatchObject({ subscriberId: 'ledger', delivery: 'in-process', fromPosition: 1, resumed: true, position: total });
    // It went on from the last saved checkpoint (at or after the progress seen), not from position 1.
    expect(result.startPosition).toBeGreaterThanOrEqual(stoppedAt);
    const after = await ledgerCounts(service.database.pool);
    expect(after.events).toBe(total);
    expect(after.calls - before.calls).toBe(total - result.startPosition);
    expect(await replayRow()).toBeUndefined();
    const [[checkpoint]] = await service.database.pool.query<RowDataPacket[]>("SELECT position FROM subscriber_positions WHERE subscriber_id = 'ledger'");
    expect(Number(checkpoint.position)).toBe(total);
  }, 120_000);

  it('replay --from a position or a time hands over only the events from there', async () => {
    await emptyLedger();
    const byPosition = await cli('replay', 'ledger', '--from', String(total - 9), '--mysql', url, '--service', ledgerServiceModule, '--json');
    expect(byPosition.code).toBe(0);
    expect(byPosition.json()).toMatchObject({ fromPosition: total - 9, resumed: false, startPosition: total - 10, position: total });
    expect(await ledgerCounts(service.database.pool)).toEqual({ events: 10, calls: 10 });

    await emptyLedger();
    const [[at]] = await service.database.pool.query<RowDataPacket[]>('SELECT created_at FROM events WHERE position = ?', [total - 4]);
    await service.database.pool.query('UPDATE events SET created_at = DATE_SUB(created_at, INTERVAL 1 HOUR) WHERE position < ?', [total - 4]);
    const byTime = await cli('replay', 'ledger', '--from', (at.created_at as Date).toISOString(), '--mysql', url, '--service', ledgerServiceModule, '--json');
    expect(byTime.json()).toMatchObject({ fromPosition: total - 4, position: total });
    expect((await ledgerCounts(service.database.pool)).events).toBe(5);

    const bad = await cli('replay', 'ledger', '--from', 'yesterday-ish', '--mysql', url, '--service', ledgerServiceModule);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--from must be a position .* or an ISO time/);
    const unknown = await cli('replay', 'ledgr', '--from', '1', '--mysql', url, '--service', ledgerServiceModule);
    expect(unknown.err).toMatch(/Unknown subscriber 'ledgr'/);
  }, 60_000);

  it('rebuild through Kafka, killed with SIGKILL halfway, resumes and hands over to the consumer group', async () => {
    await emptyLedger();
    const topicPrefix = uniqueTopicPrefix('clirebuild');
    const groupIdPrefix = `${uniqueGroupId('clirebuild')}.`;
    const kafka = ['--kafka', brokers.join(','), '--topic-prefix', topicPrefix, '--group-id-prefix', groupIdPrefix];
    const first = childCli(['rebuild', 'ledger', '--mysql', url, '--service', ledgerServiceModule, ...kafka, '--batch-size', '10'], 30);
    await eventually(async () => Number((await replayRow())?.position ?? 0) >= 20, 'the Kafka rebuild to get under way', 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const stoppedAt = Number((await replayRow()).position);
    const before = await ledgerCounts(service.database.pool);

    const second = await cli('rebuild', 'ledger', '--mysql', url, '--service', ledgerServiceModule, ...kafka, '--json');
    expect(second.code).toBe(0);
    const result = second.json();
    expect(result).toMatchObject({ delivery: 'kafka', resumed: true, startPosition: stoppedAt, position: total });
    const after = await ledgerCounts(service.database.pool);
    expect(after.events).toBe(total);
    // Progress is saved after each batch, so the resumed run re-handles nothing before where the killed one stopped.
    expect(after.calls - before.calls).toBe(total - stoppedAt);
    expect(await MySqlRebuildMarks.of(service.store).get('ledger')).toBe(total);
    const topology = kafkaTopology({ topicPrefix, groupIdPrefix });
    const [group] = await consumerGroupLags({ topology, kafka: { brokers }, subscriberIds: ['ledger'] });
    expect(group.partitions.length).toBeGreaterThan(0);
    expect(group.lag).toBe(0);
    const status = (await cli('status', '--mysql', url, ...kafka, '--json')).json();
    expect(status.subscribers.find((s: { subscriberId: string }) => s.subscriberId === 'ledger')).toMatchObject({
      delivery: 'kafka',
      groupId: `${groupIdPrefix}ledger`,
      members: 0,
      lagEvents: 0,
      lagSeconds: 0,
      rebuiltTo: total,
    });

    // Five messages stored a minute ago reach the topics after the group's offsets: a lag of 5, about 60 s.
    const sink = new KafkaSink({ kafka: { brokers }, topology });
    await sink.start();
    try {
      const minuteAgo = new Date(Date.now() - 60_000);
      const events = (await MySqlPublicationLog.of(service.store).readPublished(0, 5)).map((e) => ({ ...e, timestamp: minuteAgo }));
      await sink.send(events);
    } finally {
      await sink.stop();
    }
    const lagging = (await cli('status', '--mysql', url, ...kafka, '--json')).json();
    const ledger = lagging.subscribers.find((s: { subscriberId: string }) => s.subscriberId === 'ledger');
    expect(ledger.lagEvents).toBe(5);
    expect(ledger.lagSeconds).toBeGreaterThanOrEqual(59);
    expect(ledger.lagSeconds).toBeLessThan(180);
  }, 120_000);
});
