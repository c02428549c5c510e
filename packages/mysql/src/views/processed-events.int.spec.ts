import { Pool, RowDataPacket } from 'mysql2/promise';
import { Event, EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';
import { BatchUnit, newId } from '@eventloom/core/spi';
import { deliver } from '@eventloom/testing';
import { createMySqlPool } from '../connection';
import { createTestDatabase, TestDatabase } from '@eventloom/test-support';
import { MySqlViews, mysqlViews, withProcessedEvent } from './processed-events';

let database: TestDatabase;
let pool: Pool;
let views: MySqlViews;

beforeAll(async () => {
  database = await createTestDatabase('views', { migrated: true, tablePrefix: 'v_' });
  pool = createMySqlPool(database.url, { poolSize: 4 });
  await pool.query('CREATE TABLE order_totals (order_id VARCHAR(64) PRIMARY KEY, total INT NOT NULL)');
  views = mysqlViews(pool, { tablePrefix: 'v_' });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

async function total(orderId: string): Promise<number | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT total FROM order_totals WHERE order_id = ?', [orderId]);
  return rows[0]?.total as number | undefined;
}

async function received(subscriberId: string, eventId: string): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM v_received_events WHERE subscriber_id = ? AND event_id = ?', [
    subscriberId,
    eventId,
  ]);
  return Number(rows[0].n);
}

const addToTotal = (orderId: string, amount: number) => async (tx: { execute: Pool['execute'] }) => {
  await tx.execute('INSERT INTO order_totals (order_id, total) VALUES (?, ?) ON DUPLICATE KEY UPDATE total = total + VALUES(total)', [orderId, amount]);
};

@Event('ViewTestOrderPlaced', { aggregateType: 'ViewTestOrder' })
class OrderPlaced {
  constructor(
    readonly orderId: string,
    readonly amount: number,
  ) {}
}

@EventSubscriber('order-totals-view')
class OrderTotals {
  constructor(private readonly views: MySqlViews) {}

  @EventHandlerMethod(OrderPlaced)
  async onPlaced(ctx: EventContext<OrderPlaced>) {
    await this.views.once(ctx, async (tx) => {
      await tx.execute('INSERT INTO order_totals (order_id, total) VALUES (?, ?)', [ctx.event.orderId, ctx.event.amount]);
    });
  }
}

describe('views kept in MySQL', () => {
  it('reads naturally in a subscriber, and a redelivered event changes nothing', async () => {
    const subscriber = new OrderTotals(views);
    const orderId = newId();
    const eventId = newId();
    await deliver(subscriber, new OrderPlaced(orderId, 12), { eventId });
    // Without the dedup record this second INSERT would fail on the primary key.
    await deliver(subscriber, new OrderPlaced(orderId, 12), { eventId });
    expect(await total(orderId)).toBe(12);
    expect(await received('order-totals-view', eventId)).toBe(1);
  });

  it('applies an event once: a redelivery changes nothing', async () => {
    const orderId = newId();
    const context = { subscriberId: 'order-totals', eventId: newId() };
    expect(await views.once(context, addToTotal(orderId, 5))).toBe('handled');
    expect(await views.once(context, addToTotal(orderId, 5))).toBe('duplicate');
    expect(await total(orderId)).toBe(5);
    expect(await views.once({ ...context, subscriberId: 'another-view' }, addToTotal(orderId, 1))).toBe('handled');
    expect(await total(orderId)).toBe(6);
  });

  it('runs the handler once when the same event is delivered twice at the same time', async () => {
    const orderId = newId();
    const context = { subscriberId: 'order-totals', eventId: newId() };
    const outcomes = await Promise.all([views.once(context, addToTotal(orderId, 3)), views.once(context, addToTotal(orderId, 3))]);
    expect(outcomes.sort()).toEqual(['duplicate', 'handled']);
    expect(await total(orderId)).toBe(3);
  });

  it('rolls back the view change and the dedup record when the handler throws', async () => {
    const orderId = newId();
    const key = { subscriberId: 'order-totals', eventId: newId(), tablePrefix: 'v_' };
    await expect(
      withProcessedEvent(pool, key, async (tx) => {
        await addToTotal(orderId, 7)(tx);
        throw new Error('projection bug');
      }),
    ).rejects.toThrow('projection bug');
    expect(await total(orderId)).toBeUndefined();
    expect(await received(key.subscriberId, key.eventId)).toBe(0);
    // The redelivery after the fix goes through.
    expect(await withProcessedEvent(pool, key, addToTotal(orderId, 7))).toBe('handled');
    expect(await total(orderId)).toBe(7);
    expect(await received(key.subscriberId, key.eventId)).toBe(1);
  });

  describe('in a batch (a run of events in one unit of work)', () => {
    it('applies the run in one transaction, visible only once it commits; an event handled before is a duplicate', async () => {
      const orderId = newId();
      const [before, first, second] = [newId(), newId(), newId()];
      expect(await views.once({ subscriberId: 'order-totals', eventId: before }, addToTotal(orderId, 1))).toBe('handled');
      const unit = new BatchUnit([before, first, second]);
      const outcomes = [];
      for (const eventId of [before, first, second, first]) {
        outcomes.push(await views.once({ subscriberId: 'order-totals', eventId, batch: unit }, addToTotal(orderId, 10)));
      }
      expect(outcomes).toEqual(['duplicate', 'handled', 'handled', 'duplicate']);
      expect(await total(orderId)).toBe(1);
      expect(await received('order-totals', first)).toBe(0);
      await unit.commit();
      expect(await total(orderId)).toBe(21);
      expect(await received('order-totals', first)).toBe(1);
      expect(await received('order-totals', second)).toBe(1);
    });

    it('leaves nothing of a run rolled back: neither changes nor records', async () => {
      const orderId = newId();
      const eventId = newId();
      const unit = new BatchUnit([eventId]);
      expect(await views.once({ subscriberId: 'order-totals', eventId, batch: unit }, addToTotal(orderId, 4))).toBe('handled');
      await unit.rollback();
      expect(await total(orderId)).toBeUndefined();
      expect(await received('order-totals', eventId)).toBe(0);
    });

    it('fails the commit when another delivery recorded an event of the run meanwhile, so the run is handled again one by one', async () => {
      const orderId = newId();
      const eventId = newId();
      const unit = new BatchUnit([eventId]);
      expect(await views.once({ subscriberId: 'order-totals', eventId, batch: unit }, addToTotal(orderId, 2))).toBe('handled');
      // A concurrent delivery of the same event commits first (the run read the records before). It writes to
      // another row here, so that it does not wait on the run's row lock.
      const elsewhere = newId();
      expect(await views.once({ subscriberId: 'order-totals', eventId }, addToTotal(elsewhere, 2))).toBe('handled');
      await expect(unit.commit()).rejects.toThrow(/Duplicate entry/);
      expect(await total(orderId)).toBeUndefined();
      expect(await total(elsewhere)).toBe(2);
      expect(await received('order-totals', eventId)).toBe(1);
    });

    it('queues the changes of write() and sends them together, before a once() handler that reads them, and before COMMIT', async () => {
      const orderId = newId();
      const eventIds = [newId(), newId(), newId(), newId()];
      const unit = new BatchUnit(eventIds);
      const upsert = 'INSERT INTO order_totals (order_id, total) VALUES (?, ?) ON DUPLICATE KEY UPDATE total = total + VALUES(total)';
      expect(await views.write({ subscriberId: 'order-totals', eventId: eventIds[0], batch: unit }, upsert, [orderId, 1])).toBe('handled');
      expect(await views.write({ subscriberId: 'order-totals', eventId: eventIds[1], batch: unit }, upsert, [orderId, 10])).toBe('handled');
      expect(await views.write({ subscriberId: 'order-totals', eventId: eventIds[1], batch: unit }, upsert, [orderId, 10])).toBe('duplicate');
      let seenByHandler: unknown;
      await views.once({ subscriberId: 'order-totals', eventId: eventIds[2], batch: unit }, async (tx) => {
        const [rows] = await tx.query<RowDataPacket[]>('SELECT total FROM order_totals WHERE order_id = ?', [orderId]);
        seenByHandler = rows[0]?.total;
      });
      await views.write({ subscriberId: 'order-totals', eventId: eventIds[3], batch: unit }, upsert, [orderId, 100]);
      expect(seenByHandler).toBe(11);
      expect(await total(orderId)).toBeUndefined();
      await unit.commit();
      expect(await total(orderId)).toBe(111);
      for (const eventId of eventIds) expect(await received('order-totals', eventId)).toBe(1);
    });

    it('write() out of a batch is once() with that one statement', async () => {
      const orderId = newId();
      const context = { subscriberId: 'order-totals', eventId: newId() };
      const upsert = 'INSERT INTO order_totals (order_id, total) VALUES (?, ?) ON DUPLICATE KEY UPDATE total = total + VALUES(total)';
      expect(await views.write(context, upsert, [orderId, 3])).toBe('handled');
      expect(await views.write(context, upsert, [orderId, 3])).toBe('duplicate');
      expect(await total(orderId)).toBe(3);
    });

    it('fails the run (so it is handled again one by one) when a queued change fails, and leaves nothing of it', async () => {
      const orderId = newId();
      const eventIds = [newId(), newId()];
      const unit = new BatchUnit(eventIds);
      await views.write({ subscriberId: 'order-totals', eventId: eventIds[0], batch: unit }, 'INSERT INTO order_totals (order_id, total) VALUES (?, ?)', [orderId, 1]);
      await views.write({ subscriberId: 'order-totals', eventId: eventIds[1], batch: unit }, 'INSERT INTO order_totals (order_id, total) VALUES (?, ?)', [orderId, 2]);
      await expect(unit.commit()).rejects.toThrow(/Duplicate entry/);
      expect(await total(orderId)).toBeUndefined();
      expect(await received('order-totals', eventIds[0])).toBe(0);
    });
  });
});
