import {
  AggregateNotFoundError,
  AggregateRepository,
  afterEvents,
  CommandRejectedError,
  DuplicateAggregateError,
  OptimisticConcurrencyError,
  RepositoryOptions,
  UnknownEventTypeError,
} from '@eventloom/core';
import { EventStore, newId, NewEvent } from '@eventloom/core/spi';
import { AddToCounter, Amount, Counter, CounterWithSum, OpenCounter, ScaleCounter } from './contract-model';

export interface EventStoreHarness {
  readonly store: EventStore;
  /** Called after each test; close connections, drop databases. */
  readonly teardown?: () => Promise<void>;
}

/** A serialized ContractCounterAdded at `version`, for tests that write to a store directly. */
export function rawEvent(aggregateId: string, version: number, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: newId(),
    eventType: 'ContractCounterAdded',
    eventData: JSON.stringify({ amount: { value: version } }),
    aggregateType: 'ContractCounter',
    aggregateId,
    version,
    metadata: { correlationId: newId(), schemaVersion: 1 },
    timestamp: new Date(),
    ...overrides,
  };
}

/**
 * The behaviour every EventStore back end must have. Each back end's own
 * spec calls this with a factory for a fresh, empty store.
 */
export function eventStoreContract(name: string, createHarness: () => Promise<EventStoreHarness>): void {
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;
    const repository = (options?: RepositoryOptions) => new AggregateRepository(store, options);

    beforeEach(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.teardown?.();
    });

    it('returns undefined when loading an unknown aggregate', async () => {
      await expect(store.load('ContractCounter', newId())).resolves.toBeUndefined();
    });

    it('stores events with their metadata and loads them in version order', async () => {
      const id = newId();
      const events = [1, 2, 3].map((v) => rawEvent(id, v, { triggeringEventId: v === 2 ? 'trigger-2' : undefined }));
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events });
      const stream = await store.load('ContractCounter', id);
      expect(stream?.version).toBe(3);
      expect(stream?.snapshot).toBeUndefined();
      expect(stream?.events.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
      const second = stream!.events[1];
      expect(second).toMatchObject({
        eventType: 'ContractCounterAdded',
        aggregateType: 'ContractCounter',
        aggregateId: id,
        version: 2,
        triggeringEventId: 'trigger-2',
      });
      expect(JSON.parse(second.eventData)).toEqual({ amount: { value: 2 } });
      expect(second.metadata).toEqual(events[1].metadata);
      expect(second.timestamp).toBeInstanceOf(Date);
      expect(Math.abs(second.timestamp.getTime() - events[1].timestamp.getTime())).toBeLessThan(1000);
      expect(await store.readStream('ContractCounter', id)).toHaveLength(3);
    });

    it('keeps every field as given: extra and nested metadata, causation, text beyond ASCII', async () => {
      const id = `zähler-${newId()}-✓`;
      const metadata = { correlationId: newId(), causationId: newId(), schemaVersion: 3, tenant: 'acme', user: { id: 7, roles: ['a', 'b'] } };
      const events = [
        rawEvent(id, 1, { eventData: JSON.stringify({ amount: { value: 1 }, note: 'crème brûlée 🍮' }), metadata }),
        rawEvent(id, 2, { metadata: { correlationId: metadata.correlationId, schemaVersion: 1 } }),
      ];
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events });
      const [first, second] = (await store.load('ContractCounter', id))!.events;
      expect(first.aggregateId).toBe(id);
      expect(JSON.parse(first.eventData)).toEqual({ amount: { value: 1 }, note: 'crème brûlée 🍮' });
      expect(first.metadata).toEqual(metadata);
      expect(first.triggeringEventId ?? undefined).toBeUndefined();
      expect(second.metadata).toEqual({ correlationId: metadata.correlationId, schemaVersion: 1 });
      expect(second.metadata.causationId ?? undefined).toBeUndefined();
    });

    it('refuses to create an aggregate that exists, writing nothing', async () => {
      const id = newId();
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: [rawEvent(id, 1)] });
      await expect(
        store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: [rawEvent(id, 1)] }),
      ).rejects.toBeInstanceOf(DuplicateAggregateError);
      expect((await store.load('ContractCounter', id))?.version).toBe(1);
    });

    it('refuses an append decided on a stale version, writing nothing', async () => {
      const id = newId();
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: [rawEvent(id, 1), rawEvent(id, 2)] });
      await expect(
        store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 1, events: [rawEvent(id, 2), rawEvent(id, 3)] }),
      ).rejects.toBeInstanceOf(OptimisticConcurrencyError);
      const stream = await store.load('ContractCounter', id);
      expect(stream?.version).toBe(2);
      expect(stream?.events).toHaveLength(2);
    });

    it('keeps aggregates of different types with the same id apart', async () => {
      const id = newId();
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: [rawEvent(id, 1)] });
      await store.append({
        aggregateType: 'OtherType',
        aggregateId: id,
        expectedVersion: 0,
        events: [rawEvent(id, 1, { aggregateType: 'OtherType' }), rawEvent(id, 2, { aggregateType: 'OtherType' })],
      });
      expect((await store.load('ContractCounter', id))?.version).toBe(1);
      expect((await store.load('OtherType', id))?.version).toBe(2);
    });

    it('loads the latest snapshot and only the events after it', async () => {
      const id = newId();
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: [rawEvent(id, 1), rawEvent(id, 2)] });
      await store.append({
        aggregateType: 'ContractCounter',
        aggregateId: id,
        expectedVersion: 2,
        events: [rawEvent(id, 3)],
        snapshot: { aggregateType: 'ContractCounter', aggregateId: id, version: 3, snapshotType: 'ContractCounter', snapshotJson: '{"n":3}' },
      });
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 3, events: [rawEvent(id, 4), rawEvent(id, 5)] });
      const stream = await store.load('ContractCounter', id);
      expect(stream?.version).toBe(5);
      expect(stream?.snapshot).toMatchObject({ version: 3, snapshotType: 'ContractCounter', snapshotJson: '{"n":3}' });
      expect(stream?.events.map((e) => e.version)).toEqual([4, 5]);
    });

    it('answers whether an aggregate holds an event caused by a triggering event, across snapshots', async () => {
      const id = newId();
      await store.append({
        aggregateType: 'ContractCounter',
        aggregateId: id,
        expectedVersion: 0,
        events: [rawEvent(id, 1, { triggeringEventId: 'early-trigger' })],
      });
      await store.append({
        aggregateType: 'ContractCounter',
        aggregateId: id,
        expectedVersion: 1,
        events: [rawEvent(id, 2)],
        snapshot: { aggregateType: 'ContractCounter', aggregateId: id, version: 2, snapshotType: 'ContractCounter', snapshotJson: '{}' },
      });
      expect((await store.load('ContractCounter', id, { triggeringEventId: 'early-trigger' }))?.alreadyTriggeredBy).toBe(true);
      expect((await store.load('ContractCounter', id, { triggeringEventId: 'never-seen' }))?.alreadyTriggeredBy).toBe(false);
    });

    it('keeps a snapshot\'s schema version', async () => {
      const id = newId();
      await store.append({
        aggregateType: 'ContractCounter',
        aggregateId: id,
        expectedVersion: 0,
        events: [rawEvent(id, 1)],
        snapshot: { aggregateType: 'ContractCounter', aggregateId: id, version: 1, snapshotType: 'ContractCounter', snapshotJson: '{}', schemaVersion: 7 },
      });
      expect((await store.load('ContractCounter', id))?.snapshot?.schemaVersion).toBe(7);
      await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 1, events: [rawEvent(id, 2)] });
      expect((await store.load('ContractCounter', id))?.snapshot?.schemaVersion).toBe(7);
    });

    describe('through AggregateRepository', () => {
      it('creates, updates and finds an aggregate, reviving nested value objects', async () => {
        const repo = repository();
        const created = await repo.create(Counter, new OpenCounter(10));
        expect(created.version).toBe(1);
        const updated = await repo.update(Counter, created.id, new AddToCounter(5));
        expect(updated.version).toBe(2);
        expect(updated.events).toHaveLength(1);
        const found = await repo.find(Counter, created.id);
        expect(found.aggregate.total).toBeInstanceOf(Amount);
        expect(found.aggregate.total.value).toBe(15);
        expect(found.eventsSinceSnapshot[1].event).toMatchObject({ amount: { value: 5 } });
      });

      it('lets the caller choose the id and refuses it twice', async () => {
        const repo = repository();
        const id = `counter-${newId()}`;
        await repo.create(Counter, new OpenCounter(1), { id });
        await expect(repo.create(Counter, new OpenCounter(1), { id })).rejects.toBeInstanceOf(DuplicateAggregateError);
      });

      it('throws AggregateNotFoundError for an unknown id', async () => {
        await expect(repository().find(Counter, 'missing')).rejects.toBeInstanceOf(AggregateNotFoundError);
        await expect(repository().update(Counter, 'missing', new AddToCounter(1))).rejects.toBeInstanceOf(AggregateNotFoundError);
      });

      it('writes nothing when a command is rejected', async () => {
        const repo = repository();
        const { id } = await repo.create(Counter, new OpenCounter(1));
        await expect(repo.update(Counter, id, new AddToCounter(0))).rejects.toBeInstanceOf(CommandRejectedError);
        expect((await repo.find(Counter, id)).version).toBe(1);
      });

      it('loses no update when many race on one aggregate', async () => {
        const repo = repository({ retry: { maxAttempts: 100, initialDelayMs: 1, maxDelayMs: 20 } });
        const { id } = await repo.create(Counter, new OpenCounter(0));
        await Promise.all(Array.from({ length: 20 }, (_, i) => repo.update(Counter, id, new AddToCounter(i + 1))));
        const found = await repo.find(Counter, id);
        expect(found.version).toBe(21);
        expect(found.aggregate.total.value).toBe((20 * 21) / 2);
        expect((await store.readStream('ContractCounter', id)).map((e) => e.version)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
      });

      it('runs an update caused by the same event only once, also after a snapshot', async () => {
        const repo = repository({ snapshots: { ContractCounter: afterEvents(2) } });
        const { id } = await repo.create(Counter, new OpenCounter(0));
        const trigger = { eventId: newId() };
        await repo.update(Counter, id, new AddToCounter(7), { triggeringEvent: trigger });
        await repo.update(Counter, id, new AddToCounter(1));
        await repo.update(Counter, id, new AddToCounter(1));
        const stream = await store.load('ContractCounter', id);
        expect(stream?.snapshot?.version).toBeGreaterThanOrEqual(2);
        const again = await repo.update(Counter, id, new AddToCounter(7), { triggeringEvent: trigger });
        expect(again.events).toHaveLength(0);
        expect(again.version).toBe(4);
        expect(again.aggregate.total.value).toBe(9);
      });

      it('loads from a snapshot and gets the same state as from the full history', async () => {
        const withSnapshots = repository({ snapshots: { ContractCounter: afterEvents(3) } });
        const { id } = await withSnapshots.create(Counter, new OpenCounter(1));
        for (let i = 0; i < 7; i++) await withSnapshots.update(Counter, id, new AddToCounter(2));
        const fromSnapshot = await withSnapshots.find(Counter, id);
        expect(fromSnapshot.snapshotVersion).toBe(6);
        expect(fromSnapshot.eventsSinceSnapshot.map((e) => e.version)).toEqual([7, 8]);
        expect(fromSnapshot.aggregate.total).toBeInstanceOf(Amount);
        const history = await store.readStream('ContractCounter', id);
        expect(history).toHaveLength(8);
        expect(fromSnapshot.aggregate.total.value).toBe(15);
        expect(fromSnapshot.aggregate.additions).toBe(7);
      });

      it('reads events stored at older schema versions and under an old type name as the current class, changing no stored event', async () => {
        const id = newId();
        // What a process that knew only version 1 (then 2) of the event wrote, before the upcasters existed.
        const written = [
          rawEvent(id, 1, { eventType: 'ContractCounterOpened', eventData: JSON.stringify({ start: { value: 2 } }) }),
          rawEvent(id, 2, { eventType: 'ContractCounterMultiplied', eventData: JSON.stringify({ factor: 3 }) }),
          rawEvent(id, 3, {
            eventType: 'ContractCounterScaled',
            eventData: JSON.stringify({ factor: { value: 5 } }),
            metadata: { correlationId: newId(), schemaVersion: 2 },
          }),
        ];
        await store.append({ aggregateType: 'ContractCounter', aggregateId: id, expectedVersion: 0, events: written });
        const repo = repository();
        const found = await repo.find(Counter, id);
        expect(found.aggregate.total.value).toBe(30);
        expect(found.aggregate.reasons).toEqual(['unknown (stored before reasons)', 'unknown (stored before reasons)']);
        await repo.update(Counter, id, new ScaleCounter(2, 'doubled'));
        const again = await repository().find(Counter, id);
        expect(again.aggregate.total.value).toBe(60);
        expect(again.aggregate.reasons[2]).toBe('doubled');
        const history = await store.readStream('ContractCounter', id);
        expect(history.slice(0, 3).map((e) => [e.eventType, JSON.parse(e.eventData), e.metadata.schemaVersion])).toEqual(
          written.map((e) => [e.eventType, JSON.parse(e.eventData), e.metadata.schemaVersion]),
        );
        expect([history[3].eventType, JSON.parse(history[3].eventData), history[3].metadata.schemaVersion]).toEqual([
          'ContractCounterScaled',
          { by: { value: 2 }, reason: 'doubled' },
          3,
        ]);
      });

      it('ignores a snapshot of another snapshotVersion, never reviving it, and replaces it on the next append', async () => {
        const old = repository({ snapshots: { ContractCounter: afterEvents(2) } });
        const { id } = await old.create(Counter, new OpenCounter(1));
        await old.update(Counter, id, new AddToCounter(2));
        expect((await store.load('ContractCounter', id))?.snapshot).toMatchObject({ version: 2, schemaVersion: 1 });

        const current = repository();   // no snapshot strategy: the stale snapshot is replaced all the same
        const found = await current.find(CounterWithSum, id);
        expect(found.aggregate.sum).toEqual(new Amount(3));
        expect(found.aggregate).not.toHaveProperty('total');
        expect(found.snapshotVersion).toBe(0);
        expect(found.eventsSinceSnapshot.map((e) => e.version)).toEqual([1, 2]);

        await current.update(CounterWithSum, id, new AddToCounter(4));
        expect((await store.load('ContractCounter', id))?.snapshot).toMatchObject({ version: 3, schemaVersion: 2 });
        const fromNew = await repository().find(CounterWithSum, id);
        expect(fromNew.aggregate.sum).toEqual(new Amount(7));
        expect(fromNew.snapshotVersion).toBe(3);
        expect(fromNew.eventsSinceSnapshot).toHaveLength(0);
        // And the old release, should it still run, ignores the new snapshot in turn.
        expect((await repository().find(Counter, id)).aggregate.total).toEqual(new Amount(7));
      });

      it('names the type and the aggregate when a stored event type is unknown', async () => {
        const id = newId();
        await store.append({
          aggregateType: 'ContractCounter',
          aggregateId: id,
          expectedVersion: 0,
          events: [rawEvent(id, 1, { eventType: 'NoSuchEventType' })],
        });
        const failure = repository().find(Counter, id);
        await expect(failure).rejects.toBeInstanceOf(UnknownEventTypeError);
        await expect(failure).rejects.toThrow(/NoSuchEventType.*ContractCounter/);
      });
    });
  });
}
