import { RowDataPacket } from 'mysql2/promise';
import { createTestDatabase } from '@eventloom/test-support';
import { cli, ledgerServiceModule, serviceDatabase } from '../../test/cli-harness';
import { eventually } from '@eventloom/testing';
import { AddToCounter, Counter, OpenCounter } from '@eventloom/testing/contract';
import { createLedgerTables, Ledger, Picky } from '../../test/ledger-service';

/** status, inspect and parked against a real MariaDB, with a service running in process beside the CLI. */
describe('eventloom status, inspect, parked (real MariaDB)', () => {
  let service: Awaited<ReturnType<typeof serviceDatabase>>;
  let url: string;
  let accountId: string;
  const picky = new Picky();

  beforeAll(async () => {
    service = await serviceDatabase('cli_ops');
    url = service.database.url;
    await createLedgerTables(service.store.pool);
    await service.eventloom.subscribe(new Ledger(service.store.pool));
    await service.eventloom.subscribe(picky);
    const { repository } = service.eventloom;
    accountId = (await repository.create(Counter, new OpenCounter(0), { metadata: { userId: 'op-1' } })).id;
    for (const amount of [5, 13, 7, 2]) await repository.update(Counter, accountId, new AddToCounter(amount));
    await service.eventloom.caughtUp();
    // caughtUp() is about handling; a subscription saves its checkpoint up to 100 ms later, and status reads the saved one.
    await eventually(async () => {
      const [rows] = await service.store.pool.query<RowDataPacket[]>('SELECT position FROM subscriber_positions WHERE subscriber_id IN (?, ?)', ['ledger', 'picky']);
      return rows.length === 2 && rows.every((row) => Number(row.position) === 5);
    }, 'both subscribers\' checkpoints saved at position 5');
  });
  afterAll(async () => {
    await service.close();
  });

  it('status: the publisher leading, nothing in the backlog, each subscriber caught up with its parked count', async () => {
    const run = await cli('status', '--mysql', url, '--json');
    expect(run.code).toBe(0);
    const status = run.json();
    expect(status.publication).toMatchObject({ unsequenced: 0, unpublished: 0, lastPosition: 5, publishedPosition: 5 });
    expect(status.publication.leader.connectionId).toEqual(expect.any(Number));
    expect(status.subscribers).toEqual([
      expect.objectContaining({ subscriberId: 'ledger', delivery: 'in-process', checkpoint: 5, lagEvents: 0, lagSeconds: 0, parked: 0 }),
      expect.objectContaining({ subscriberId: 'picky', delivery: 'in-process', checkpoint: 5, lagEvents: 0, lagSeconds: 0, parked: 1 }),
    ]);
    const text = await cli('status', '--mysql', url);
    expect(text.out).toMatch(/Publisher leader: +connection \d+/);
    expect(text.out).toMatch(/picky +in-process +5 +0 +0\.0s +1/);
  });

  it('status: a subscriber behind shows its lag in events and seconds; the backlog counts events without a position', async () => {
    const database = await createTestDatabase('cli_lag', { migrated: true });
    try {
      const insert = (n: number, position: number | null, published: number, createdAt: Date) =>
        database.pool.query(
          `INSERT INTO events (event_id, event_type, event_data, entity_type, entity_id, entity_version, metadata, created_at, published, position_slot)
           VALUES (?, 'E', '{}', 'A', 'a', ?, '{}', ?, ?, ?)`,
          [`e${n}`, n, createdAt, published, position ?? 0],
        );
      const minuteAgo = new Date(Date.now() - 60_000);
      await insert(1, 1, 1, minuteAgo);
      await insert(2, 2, 1, minuteAgo);
      await insert(3, 3, 0, new Date());
      await insert(4, null, 0, new Date());
      // Positions 1-2 acknowledged by the sink (schema 7: the published position, not the events' flags).
      await database.pool.query('UPDATE publication SET published_position = 2 WHERE id = 1');
      await database.pool.query("INSERT INTO subscriber_positions (subscriber_id, position) VALUES ('slow', 1)");
      const status = (await cli('status', '--mysql', database.url, '--json')).json();
      expect(status.publication).toMatchObject({ leader: null, unsequenced: 1, unpublished: 2, lastPosition: 3, publishedPosition: 2 });
      const [slow] = status.subscribers;
      expect(slow).toMatchObject({ subscriberId: 'slow', checkpoint: 1, lagEvents: 2 });
      expect(slow.lagSeconds).toBeGreaterThanOrEqual(59);
      expect(slow.lagSeconds).toBeLessThan(120);
    } finally {
      await database.drop();
    }
  });

  it('inspect: the history with metadata and triggering events, the snapshot, and the state with --service', async () => {
    const run = await cli('inspect', 'ContractCounter', accountId, '--mysql', url, '--service', ledgerServiceModule, '--json');
    expect(run.code).toBe(0);
    const inspection = run.json();
    expect(inspection.version).toBe(5);
    expect(inspection.history.map((e: { version: number; eventType: string }) => [e.version, e.eventType])).toEqual([
      [1, 'ContractCounterOpened'], [2, 'ContractCounterAdded'], [3, 'ContractCounterAdded'], [4, 'ContractCounterAdded'], [5, 'ContractCounterAdded'],
    ]);
    expect(inspection.history[0]).toMatchObject({ position: 1, data: { start: { value: 0 } }, metadata: { correlationId: expect.any(String), schemaVersion: 1, userId: 'op-1' } });
    expect(inspection.snapshot).toMatchObject({ version: 3, snapshotType: 'ContractCounter', state: { total: { value: 18 }, additions: 2 } });
    expect(inspection.state).toEqual({ total: { value: 27 }, additions: 4, reasons: [] });
    const text = await cli('inspect', 'ContractCounter', accountId, '--mysql', url);
    expect(text.out).toMatch(/ContractCounter .*, version 5/);
    expect(text.out).toMatch(/Snapshot at version 3/);
    expect(text.out).toMatch(/Current state: give --service/);
  });

  it('inspect: an aggregate not in the store is an error naming it', async () => {
    const run = await cli('inspect', 'ContractCounter', 'nope', '--mysql', url);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/AggregateNotStoredError: No ContractCounter 'nope'/);
  });

  it('parked list and show: the poison event with its error; an unknown subscriber is refused by name', async () => {
    const list = await cli('parked', 'list', 'picky', '--mysql', url, '--json');
    expect(list.code).toBe(0);
    const [entry] = list.json();
    expect(list.json()).toHaveLength(1);
    expect(entry).toMatchObject({ subscriberId: 'picky', eventType: 'ContractCounterAdded', aggregateId: accountId, version: 3, attempts: 2 });
    expect(entry.error).toMatch(/13 is unlucky/);
    const show = await cli('parked', 'show', 'picky', entry.eventId, '--mysql', url, '--json');
    expect(show.json()).toMatchObject({ timesParked: 1, event: { eventId: entry.eventId, eventData: '{"amount":{"value":13}}' } });
    const unknown = await cli('parked', 'list', 'pickx', '--mysql', url);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/UnknownSubscriberError: Unknown subscriber 'pickx'\. Known here: ledger, picky\./);
    expect((await cli('parked', 'list', '--mysql', url, '--json')).json()).toHaveLength(1);
  });

  it('parked retry: needs --service; parked again while the bug is there (exit 3); handled once fixed', async () => {
    const [entry] = (await cli('parked', 'list', 'picky', '--mysql', url, '--json')).json();
    const withoutCode = await cli('parked', 'retry', 'picky', entry.eventId, '--mysql', url);
    expect(withoutCode.code).toBe(1);
    expect(withoutCode.err).toMatch(/ServiceCodeNeededError: .*give --service <module>/);
    const again = await cli('parked', 'retry', 'picky', entry.eventId, '--mysql', url, '--service', ledgerServiceModule, '--attempts', '1', '--json');
    expect(again.code).toBe(3);
    expect(again.json()).toEqual([{ eventId: entry.eventId, outcome: 'parked-again' }]);
    expect((await cli('parked', 'show', 'picky', entry.eventId, '--mysql', url, '--json')).json().timesParked).toBe(2);
    process.env.CLI_TEST_FIXED = '1';
    try {
      const fixed = await cli('parked', 'retry', 'picky', '--all', '--mysql', url, '--service', ledgerServiceModule, '--json');
      expect(fixed.code).toBe(0);
      expect(fixed.json()).toEqual([{ eventId: entry.eventId, outcome: 'handled' }]);
    } finally {
      delete process.env.CLI_TEST_FIXED;
    }
    expect((await cli('parked', 'list', 'picky', '--mysql', url, '--json')).json()).toEqual([]);
  });

  it('parked discard: drops the entry; a second discard says it is not parked', async () => {
    const event = (await service.store.readStream('ContractCounter', accountId))[1];
    await service.database.pool.query(
      `INSERT INTO parked_events (subscriber_id, event_id, event_type, aggregate_type, aggregate_id, version, position, event_json, error, attempts, parked_at)
       VALUES ('picky', ?, 'ContractCounterAdded', 'ContractCounter', ?, 2, 2, ?, 'boom', 1, NOW(6))`,
      [event.eventId, accountId, JSON.stringify(event)],
    );
    const discard = await cli('parked', 'discard', 'picky', event.eventId, '--mysql', url);
    expect(discard.code).toBe(0);
    expect(discard.out).toMatch(/Discarded ContractCounterAdded/);
    const [[left]] = await service.database.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM parked_events');
    expect(Number(left.n)).toBe(0);
    const twice = await cli('parked', 'discard', 'picky', event.eventId, '--mysql', url);
    expect(twice.code).toBe(1);
    expect(twice.err).toMatch(/NotParkedError: Event .* is not parked for subscriber 'picky'/);
  });

  it('clear errors: an unreachable server, a missing database, a database without the schema, a bad --service', async () => {
    const unreachable = await cli('status', '--mysql', 'mysql://root@127.0.0.1:1/x', '--wait-ms', '0');
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/MySqlUnreachableError: MySQL at 127\.0\.0\.1:1 is unreachable/);
    const missing = await cli('status', '--mysql', `${url}_missing`);
    expect(missing.err).toMatch(/MySqlDatabaseMissingError: Database '.*_missing' does not exist/);
    const empty = await createTestDatabase('cli_empty');
    try {
      const noSchema = await cli('status', '--mysql', empty.url);
      expect(noSchema.code).toBe(1);
      expect(noSchema.err).toMatch(/MySqlSchemaMissingError: .*its tables do not exist.*npx eventloom migrate/);
    } finally {
      await empty.drop();
    }
    const badModule = await cli('status', '--mysql', url, '--service', './no/such/module.js');
    expect(badModule.err).toMatch(/ServiceModuleError: Cannot load the service module '\.\/no\/such\/module\.js'/);
    const noBroker = await cli('status', '--mysql', url, '--kafka', '127.0.0.1:1');
    expect(noBroker.code).toBe(1);
    expect(noBroker.err).toBe(
      'BrokerUnreachableError: Kafka is unreachable at 127.0.0.1:1: Connection error: connect ECONNREFUSED 127.0.0.1:1. ' +
        'Check that a broker runs there (KAFKA_BROKERS=host:port,...), e.g. `bash scripts/kafka.sh ensure`.',
    );
    const badUrl = await cli('status', '--mysql', 'postgres://x@h/db');
    expect(badUrl.err).toMatch(/MySqlConfigError: Invalid MySQL URL 'postgres:\/\/x@h\/db': the scheme must be mysql:\/\//);
  });
});
