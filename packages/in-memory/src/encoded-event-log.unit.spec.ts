import { EventloomError } from '@eventloom/core';
import { newId, NewEvent } from '@eventloom/core/spi';
import { EncodedEventLog } from './encoded-event-log';
import { InMemoryEventStore } from './in-memory-event-store';

function event(version: number, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: newId(),
    eventType: 'Deposited',
    eventData: JSON.stringify({ amount: version }),
    aggregateType: 'Account',
    aggregateId: 'account-1',
    version,
    metadata: { correlationId: newId(), schemaVersion: 1 },
    timestamp: new Date(1_700_000_000_123 + version),
    ...overrides,
  };
}

describe('EncodedEventLog', () => {
  it('reads back every field of every event, by position', () => {
    const log = new EncodedEventLog();
    const written = [
      event(1),
      event(2, { triggeringEventId: newId(), metadata: { correlationId: 'c', causationId: 'd', schemaVersion: 4 } }),
      event(3, { eventType: 'Withdrawn', aggregateType: 'Konto', aggregateId: 'ü-✓-🍮', eventData: '{"note":"naïve"}' }),
      event(4, { metadata: { correlationId: 'c', schemaVersion: 2, tenant: 'acme', nested: { a: [1, 'b', null] } } }),
      event(5, { metadata: { correlationId: 'c', causationId: undefined, schemaVersion: 1 }, triggeringEventId: '' }),
      event(6, { metadata: { correlationId: '', schemaVersion: 2 ** 32 }, eventData: '{}', eventId: 'ünïcödé-🍮' }),
    ];
    written.forEach((e) => log.write(e, 0));
    log.commit();
    expect(log.length).toBe(6);
    written.forEach((e, i) => {
      const read = log.read(i + 1);
      expect(read).toEqual({ ...e, position: i + 1 });
      expect(read.timestamp.getTime()).toBe(e.timestamp.getTime());
    });
    expect(log.read(5).triggeringEventId).toBe('');
    expect(log.read(1).triggeringEventId).toBeUndefined();
    expect(Object.keys(log.read(5).metadata)).toEqual(['correlationId', 'schemaVersion']);
  });

  it('links each event to its stream\'s previous one', () => {
    const log = new EncodedEventLog();
    const a1 = log.write(event(1, { aggregateId: 'a' }), 0);
    const b1 = log.write(event(1, { aggregateId: 'b' }), 0);
    const a2 = log.write(event(2, { aggregateId: 'a' }), a1);
    log.commit();
    expect([a1, b1, a2]).toEqual([1, 2, 3]);
    expect(log.previousInStream(a2)).toBe(a1);
    expect(log.previousInStream(b1)).toBe(0);
  });

  it('starts a new buffer for an event that does not fit, however large', () => {
    const log = new EncodedEventLog();
    const big = 'x'.repeat(20 * 1024 * 1024);
    const many = Array.from({ length: 2_000 }, (_, i) => event(i + 1, { eventData: JSON.stringify({ pad: 'p'.repeat(5_000 + i) }) }));
    many.forEach((e, i) => log.write(e, i));
    log.write(event(2_001, { eventData: JSON.stringify({ big }) }), 2_000);
    log.write(event(2_002), 2_001);
    log.commit();
    expect(JSON.parse(log.read(2_001).eventData).big).toHaveLength(big.length);
    many.forEach((e, i) => expect(log.read(i + 1).eventData).toBe(e.eventData));
    expect(log.read(2_002).version).toBe(2_002);
  });

  it('forgets what was written since the last commit, and refuses to read it', () => {
    const log = new EncodedEventLog();
    log.write(event(1), 0);
    log.commit();
    log.write(event(2, { eventData: JSON.stringify({ pad: 'p'.repeat(17 * 1024 * 1024) }) }), 1);
    expect(() => log.read(2)).toThrow('No stored event at position 2: the embedded store holds positions 1 to 1.');
    log.rollback();
    const again = event(2);
    expect(log.write(again, 1)).toBe(2);
    log.commit();
    expect(log.read(2).eventId).toBe(again.eventId);
    expect(log.read(1).version).toBe(1);
  });
});

describe('InMemoryEventStore on the encoded log', () => {
  it('refuses an append whose metadata is not JSON, naming the event, and stores none of its events', async () => {
    const store = new InMemoryEventStore();
    const good = event(1);
    const bad = event(2, { metadata: { correlationId: 'c', schemaVersion: 1, amount: BigInt(1) } });
    const append = store.append({ aggregateType: 'Account', aggregateId: 'account-1', expectedVersion: 0, events: [good, bad] });
    await expect(append).rejects.toThrow(EventloomError);
    await expect(append).rejects.toThrow(`Event ${bad.eventId} (Deposited) of Account 'account-1' was not stored: its metadata cannot be written as JSON`);
    expect(await store.load('Account', 'account-1')).toBeUndefined();
    expect(await store.lastPosition()).toBe(0);
    await store.append({ aggregateType: 'Account', aggregateId: 'account-1', expectedVersion: 0, events: [good] });
    expect((await store.readPublished(0, 10)).map((e) => e.eventId)).toEqual([good.eventId]);
  });

  it('reads a stream from its snapshot on, across other streams\' events', async () => {
    const store = new InMemoryEventStore();
    for (let version = 1; version <= 4; version++) {
      for (const aggregateId of ['a', 'b']) {
        await store.append({ aggregateType: 'Account', aggregateId, expectedVersion: version - 1, events: [event(version, { aggregateId })],
          snapshot: aggregateId === 'a' && version === 2 ? { aggregateType: 'Account', aggregateId, version, snapshotType: 'AccountSnapshot', snapshotJson: '{}' } : undefined });
      }
    }
    const a = (await store.load('Account', 'a'))!;
    expect(a.version).toBe(4);
    expect(a.snapshot?.version).toBe(2);
    expect(a.events.map((e) => [e.aggregateId, e.version, e.position])).toEqual([['a', 3, 5], ['a', 4, 7]]);
    expect((await store.readStream('Account', 'b')).map((e) => e.position)).toEqual([2, 4, 6, 8]);
  });

  it('reads the log the same whether an event was appended lately or long ago, and hands out copies', async () => {
    const store = new InMemoryEventStore();
    // A reader in process (as a subscription is): the store keeps its last appended events for it.
    store.watch(() => undefined);
    const appended: NewEvent[] = [];
    for (let i = 0; i < 1_500; i++) {
      const metadata = i % 3 === 0 ? { correlationId: `c-${i}`, schemaVersion: 1, tenant: 'acme' } : { correlationId: `c-${i}`, schemaVersion: 1 };
      const e = event(1, { aggregateId: `a-${i}`, metadata, triggeringEventId: i % 2 ? `t-${i}` : undefined });
      appended.push(e);
      await store.append({ aggregateType: 'Account', aggregateId: e.aggregateId, expectedVersion: 0, events: [e] });
      if (i === 700) store.publishMessages([{ ...event(1), aggregateType: 'Message', aggregateId: 'channel' }]);
    }
    const read = await store.readPublished(0, 2_000);
    expect(read).toHaveLength(1_501);
    const events = read.filter((e) => e.aggregateType === 'Account');
    expect(events.map((e) => e.position)).toEqual(read.map((e) => e.position).filter((p) => p !== 702));
    events.forEach((e, i) => expect(e).toEqual({ ...appended[i], position: i < 701 ? i + 1 : i + 2 }));
    const last = read[read.length - 1];
    (last.metadata as { correlationId: string }).correlationId = 'changed';
    last.timestamp.setTime(0);
    const again = (await store.readPublished(last.position! - 1, 1))[0];
    expect(again.metadata.correlationId).toBe('c-1499');
    expect(again.timestamp.getTime()).toBe(1_700_000_000_124);
    expect(appended[1_499].timestamp.getTime()).toBe(1_700_000_000_124);
    expect(appended[1_499].metadata.correlationId).toBe('c-1499');
  });
});
