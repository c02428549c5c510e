import { RowDataPacket } from 'mysql2/promise';
import { AggregateRepository, EventContext, EventHandlerMethod, Eventloom, EventSubscriber, silentLogger } from '@eventloom/core';
import { eventually } from '@eventloom/testing';
import { AddToCounter, Counter, CounterAdded, CounterOpened, OpenCounter } from '@eventloom/testing/contract';
import { MySqlEventStore } from '../mysql-event-store';
import { MySqlDeadLetterStore } from '../deadLetters/mysql-dead-letter-store';
import { MySqlCheckpointStore } from '../subscriptions/mysql-checkpoint-store';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { mysqlInProcessTransport } from './in-process-transport';

interface Seen {
  readonly aggregateId: string;
  readonly version: number;
  readonly eventId: string;
}

@EventSubscriber('inproc-view')
class View {
  readonly seen: Seen[] = [];
  private async record(ctx: EventContext<object>) {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
    this.seen.push({ aggregateId: ctx.aggregateId, version: ctx.version, eventId: ctx.eventId });
  }
  @EventHandlerMethod(CounterOpened) opened(ctx: EventContext<CounterOpened>) {
    return this.record(ctx);
  }
  @EventHandlerMethod(CounterAdded) added(ctx: EventContext<CounterAdded>) {
    return this.record(ctx);
  }
}

/** Appends `additions` events to each counter, the counters concurrently (their events interleave). */
async function add(repository: AggregateRepository, ids: readonly string[], additions: number): Promise<void> {
  await Promise.all(ids.map(async (id) => {
    for (let i = 1; i <= additions; i++) await repository.update(Counter, id, new AddToCounter(i));
  }));
}

function expectInOrderPerAggregate(seen: readonly Seen[]): void {
  const versions = new Map<string, number>();
  for (const s of seen) {
    expect(s.version).toBe((versions.get(s.aggregateId) ?? 0) + 1);
    versions.set(s.aggregateId, s.version);
  }
}

describe('MySQL store + in-process publisher + PublicationLogTransport (no broker)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('inproc', { migrated: true });
  });
  afterAll(async () => {
    await database?.drop();
  });

  const looms: Eventloom[] = [];
  afterEach(async () => {
    // Eventloom.close() is idempotent: a failed test must not leave a publisher holding the lock.
    await Promise.all(looms.splice(0).map((loom) => loom.close()));
  });

  const open = async () => {
    const store = new MySqlEventStore({ url: database.url, poolSize: 5 });
    const delivery = await mysqlInProcessTransport(store, { pollIntervalMs: 5, checkpointIntervalMs: 10, batchSize: 7, logger: silentLogger });
    const loom = new Eventloom({ eventStore: store, transport: delivery.transport, deadLetters: MySqlDeadLetterStore.of(store), logger: silentLogger });
    looms.push(loom);
    return { store, loom, ...delivery };
  };

  it('delivers in order per aggregate, with gap-free positions, and resumes from its checkpoint after a restart', async () => {
    const first = await open();
    const ids = await Promise.all(Array.from({ length: 5 }, async () => (await first.loom.repository.create(Counter, new OpenCounter(0))).id));
    await add(first.loom.repository, ids, 3);
    const view1 = new View();
    await first.loom.subscribe(view1);
    await add(first.loom.repository, ids, 3);
    await first.loom.caughtUp();
    expect(view1.seen).toHaveLength(5 * 7);
    expectInOrderPerAggregate(view1.seen);
    await first.publisher.published();
    expect(first.publisher.status().leader).toBe(true);
    // publishedPosition moves just after the mark's UPDATE returned.
    await eventually(() => first.publisher.status().publishedPosition >= 35, 'the publisher to count position 35 as published', 5_000, 5);
    expect(first.publisher.status().publishedPosition).toBe(35);

    // Down: stop everything (Eventloom.close() closes the transport, which stops the publisher, then the store).
    await first.loom.close();
    expect(first.publisher.status().leader).toBe(false);

    // Events stored while no publisher runs get no position yet.
    const offline = new MySqlEventStore({ url: database.url, poolSize: 2 });
    try {
      expect(await new MySqlCheckpointStore(offline.pool).load('inproc-view')).toBe(35);
      await add(new AggregateRepository(offline), ids.slice(0, 3), 2);
      const [[unsequenced]] = await offline.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM events WHERE position IS NULL`);
      expect(Number(unsequenced.n)).toBe(6);
    } finally {
      await offline.close();
    }

    // Up again, with a new transport and publisher: only what is new is delivered, nothing is lost.
    const second = await open();
    const view2 = new View();
    await second.loom.subscribe(view2);
    await add(second.loom.repository, ids.slice(3), 1);
    await second.loom.caughtUp();
    expect(view2.seen).toHaveLength(6 + 2);
    const all = [...view1.seen, ...view2.seen];
    expect(new Set(all.map((s) => s.eventId)).size).toBe(all.length);
    expectInOrderPerAggregate(all);

    const [[stats]] = await second.store.pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT position) AS d, MIN(position) AS lo, MAX(position) AS hi,
              SUM(position <= (SELECT published_position FROM publication WHERE id = 1)) AS pub FROM events`,
    );
    expect({ n: Number(stats.n), d: Number(stats.d), lo: Number(stats.lo), hi: Number(stats.hi), pub: Number(stats.pub) }).toEqual({
      n: 43, d: 43, lo: 1, hi: 43, pub: 43,
    });
    // Each aggregate's positions follow its versions.
    const [rows] = await second.store.pool.query<RowDataPacket[]>('SELECT entity_id, entity_version, position FROM events ORDER BY position');
    const last = new Map<string, number>();
    for (const row of rows) {
      expect(Number(row.entity_version)).toBe((last.get(row.entity_id) ?? 0) + 1);
      last.set(row.entity_id, Number(row.entity_version));
    }
    await second.loom.close();
    const after = new MySqlEventStore({ url: database.url, poolSize: 1 });
    try {
      expect(await new MySqlCheckpointStore(after.pool).load('inproc-view')).toBe(43);
    } finally {
      await after.close();
    }
  });

  it('lets two in-process publishers share one store: one sequences, positions stay gap-free', async () => {
    const a = await open();
    const b = await open();
    try {
      const ids = await Promise.all(Array.from({ length: 4 }, async () => (await a.loom.repository.create(Counter, new OpenCounter(0))).id));
      await Promise.all([add(a.loom.repository, ids.slice(0, 2), 10), add(b.loom.repository, ids.slice(2), 10)]);
      await Promise.all([a.publisher.published(), b.publisher.published()]);
      expect([a.publisher.status().leader, b.publisher.status().leader].filter(Boolean)).toHaveLength(1);
      const [[stats]] = await a.store.pool.query<RowDataPacket[]>(
        'SELECT COUNT(*) AS n, COUNT(position) AS p, COUNT(DISTINCT position) AS d, MIN(position) AS lo, MAX(position) AS hi FROM events',
      );
      const n = Number(stats.n);
      // The table also holds the earlier tests' events: count this test's own exactly.
      const [[own]] = await a.store.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM events WHERE entity_id IN (?)', [ids]);
      expect(Number(own.n)).toBe(4 + 4 * 10);
      expect({ p: Number(stats.p), d: Number(stats.d), lo: Number(stats.lo), hi: Number(stats.hi) }).toEqual({ p: n, d: n, lo: 1, hi: n });
    } finally {
      await a.loom.close();
      await b.loom.close();
    }
  });
});
