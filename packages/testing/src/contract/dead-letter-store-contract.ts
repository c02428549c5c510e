import { discardParked, ParkedEvent, retryAllParked, retryParked, UndecodableMessageError } from '@eventloom/core';
import { aggregateKey, DeadLetterStore, StoredEvent, supportsAggregateParking } from '@eventloom/core/spi';

export interface DeadLetterStoreHarness {
  readonly store: DeadLetterStore;
  readonly teardown?: () => Promise<void>;
}

function storedEvent(aggregateId: string, version: number, eventId = `${aggregateId}-v${version}`): StoredEvent {
  return {
    eventId,
    eventType: 'ThingHappened',
    eventData: JSON.stringify({ n: version }),
    aggregateType: 'Thing',
    aggregateId,
    version,
    metadata: { correlationId: `c-${eventId}`, schemaVersion: 1 },
    timestamp: new Date('2024-05-01T10:00:00.123Z'),
    position: version * 10,
  };
}

function parked(subscriberId: string, event: StoredEvent, error = `failed ${event.eventId}`): ParkedEvent {
  return { subscriberId, event, error, attempts: 3, parkedAt: new Date('2024-05-01T10:00:01.456Z') };
}

const undecodable: StoredEvent = {
  ...storedEvent('raw-key', 0, 'kafka:topic/0@7'),
  eventData: 'this is { not JSON',
  metadata: { correlationId: '', schemaVersion: 0, undecodable: true },
};

/**
 * What every dead-letter store must do, whatever keeps the entries: one
 * entry per subscriber and event, oldest first, and the atomic find/release
 * that the core's retryParked builds on (so retries behave the same on every
 * back end). Stores that implement AggregateParking are checked for it too.
 */
export function deadLetterStoreContract(
  name: string,
  createHarness: () => Promise<DeadLetterStoreHarness>,
  { aggregateParking = true }: { readonly aggregateParking?: boolean } = {},
): void {
  describe(`DeadLetterStore contract: ${name}`, () => {
    let harness: DeadLetterStoreHarness;
    let store: DeadLetterStore;
    let run = 0;
    const sub = (label: string) => `${label}-${process.pid}-${run}`;

    beforeEach(async () => {
      run++;
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.teardown?.();
    });

    it('keeps what was parked, field for field, oldest first, per subscriber', async () => {
      const a = sub('a');
      const b = sub('b');
      const first = parked(a, storedEvent('t1', 1));
      await store.park(first);
      await store.park(parked(b, storedEvent('t1', 1)));
      await store.park(parked(a, storedEvent('t2', 1)));
      expect(await store.list(a)).toEqual([first, parked(a, storedEvent('t2', 1))]);
      expect((await store.list(b)).map((p) => p.subscriberId)).toEqual([b]);
      const all = (await store.list()).filter((p) => p.subscriberId === a || p.subscriberId === b);
      expect(all).toHaveLength(3);
    });

    it('keeps one entry per subscriber and event: parking again replaces it in place and counts', async () => {
      const a = sub('again');
      await store.park(parked(a, storedEvent('t1', 1), 'first failure'));
      await store.park(parked(a, storedEvent('t1', 2)));
      expect((await store.find(a, 't1-v1'))?.timesParked).toBe(1);
      await store.park(parked(a, storedEvent('t1', 1), 'second failure'));
      const list = await store.list(a);
      expect(list.map((p) => [p.event.eventId, p.error])).toEqual([
        ['t1-v1', 'second failure'],
        ['t1-v2', 'failed t1-v2'],
      ]);
      expect(await store.find(a, 't1-v1')).toEqual({ parked: parked(a, storedEvent('t1', 1), 'second failure'), timesParked: 2 });
    });

    it('releases an entry only if it was not parked again since it was found', async () => {
      const a = sub('release');
      await store.park(parked(a, storedEvent('t1', 1)));
      const found = (await store.find(a, 't1-v1'))!;
      await store.park(parked(a, storedEvent('t1', 1), 'again'));
      expect(await store.release(a, 't1-v1', found.timesParked)).toBe(false);
      expect(await store.list(a)).toHaveLength(1);
      expect(await store.release(a, 't1-v1', found.timesParked + 1)).toBe(true);
      expect(await store.list(a)).toEqual([]);
      expect(await store.release(a, 't1-v1', found.timesParked + 1)).toBe(false);
      expect(await store.find(a, 't1-v1')).toBeUndefined();
    });

    it('takes an entry out once', async () => {
      const a = sub('take');
      await store.park(parked(a, storedEvent('t1', 1)));
      expect(await store.take(a, 't1-v1')).toEqual(parked(a, storedEvent('t1', 1)));
      expect(await store.take(a, 't1-v1')).toBeUndefined();
      expect(await store.list(a)).toEqual([]);
    });

    it('retryParked: handled removes it, parked again keeps it, unknown says so', async () => {
      const a = sub('retry');
      await store.park(parked(a, storedEvent('t1', 1)));
      const handled: string[] = [];
      const failing = async (event: StoredEvent) => {
        handled.push(event.eventId);
        await store.park(parked(a, event, 'still failing'));
      };
      expect(await retryParked(store, a, 't1-v1', failing)).toBe('parked-again');
      expect((await store.list(a)).map((p) => p.error)).toEqual(['still failing']);
      expect(await retryParked(store, a, 't1-v1', async (event) => void handled.push(event.eventId))).toBe('handled');
      expect(await store.list(a)).toEqual([]);
      expect(handled).toEqual(['t1-v1', 't1-v1']);
      expect(await retryParked(store, a, 't1-v1', async () => {})).toBe('not-parked');
    });

    it('retryAllParked keeps each aggregate in order: once one is parked again, its later events are skipped', async () => {
      const a = sub('all');
      for (const event of [storedEvent('t1', 1), storedEvent('t2', 1), storedEvent('t1', 2), storedEvent('t1', 3)]) await store.park(parked(a, event));
      await store.park(parked(a, undecodable));
      const seen: string[] = [];
      const failT1 = async (event: StoredEvent) => {
        seen.push(event.eventId);
        if (event.aggregateId === 't1') await store.park(parked(a, event, 'again'));
      };
      expect([...(await retryAllParked(store, a, failT1))]).toEqual([
        ['t1-v1', 'parked-again'],
        ['t2-v1', 'handled'],
        ['t1-v2', 'skipped'],
        ['t1-v3', 'skipped'],
      ]);
      expect(seen).toEqual(['t1-v1', 't2-v1']);
      expect([...(await retryAllParked(store, a, async (event) => void seen.push(event.eventId)))].map(([, o]) => o)).toEqual(['handled', 'handled', 'handled']);
      expect(seen.slice(2)).toEqual(['t1-v1', 't1-v2', 't1-v3']);
      expect((await store.list(a)).map((p) => p.event.eventId)).toEqual([undecodable.eventId]);
    });

    it('refuses to hand an undecodable message to a handler; it can be discarded', async () => {
      const a = sub('raw');
      await store.park(parked(a, undecodable));
      const handle = jest.fn(async () => {});
      await expect(retryParked(store, a, undecodable.eventId, handle)).rejects.toBeInstanceOf(UndecodableMessageError);
      expect(handle).not.toHaveBeenCalled();
      expect((await store.list(a)).map((p) => p.event.eventData)).toEqual(['this is { not JSON']);
      expect(await discardParked(store, a, undecodable.eventId)).toEqual(parked(a, undecodable));
      expect(await store.list(a)).toEqual([]);
    });

    (aggregateParking ? it : it.skip)('tells which aggregates have parked events, and announces each park (AggregateParking)', async () => {
      if (!supportsAggregateParking(store)) throw new Error(`${name} was declared to support AggregateParking, but parkedAggregates, hasParked or onPark is missing.`);
      const a = sub('parking');
      const heard: string[] = [];
      const stop = store.onPark((entry) => heard.push(entry.event.eventId));
      await store.park(parked(a, storedEvent('t1', 1)));
      await store.park(parked(a, storedEvent('t2', 1)));
      await store.park(parked(sub('other'), storedEvent('t3', 1)));
      stop();
      await store.park(parked(a, storedEvent('t4', 1)));
      expect(heard).toEqual(['t1-v1', 't2-v1', 't3-v1']);
      expect(await store.parkedAggregates(a)).toEqual(new Set(['t1', 't2', 't4'].map((id) => aggregateKey('Thing', id))));
      expect(await store.hasParked(a, 'Thing', 't1')).toBe(true);
      expect(await store.hasParked(a, 'Thing', 't3')).toBe(false);
      expect(await store.hasParked(a, 'Other', 't1')).toBe(false);
      await store.take(a, 't1-v1');
      expect(await store.hasParked(a, 'Thing', 't1')).toBe(false);
    });
  });
}
