import { eventually } from '@eventloom/testing';
import { SequencedEvent } from '../publication/publication-sink';
import { AggregateQueues } from './aggregate-queues';

function event(aggregateId: string, position: number): SequencedEvent {
  return {
    eventId: `e${position}`,
    eventType: 'T',
    eventData: '{}',
    aggregateType: 'A',
    aggregateId,
    version: position,
    metadata: { correlationId: 'c', schemaVersion: 1 },
    timestamp: new Date(),
    position,
  };
}

describe('AggregateQueues', () => {
  it('advances the watermark only over an unbroken run of handled or skipped positions', async () => {
    const release = new Map<number, () => void>();
    const queues = new AggregateQueues((e) => new Promise<void>((resolve) => release.set(e.position, resolve)), 0);
    queues.dispatch(event('a', 1));
    queues.dispatch(event('b', 2));
    queues.skip(3);
    await new Promise((r) => setImmediate(r));
    release.get(2)!();
    await new Promise((r) => setImmediate(r));
    expect(queues.watermark).toBe(0);
    release.get(1)!();
    await new Promise((r) => setImmediate(r));
    expect(queues.watermark).toBe(3);
    expect(queues.inFlight).toBe(0);
  });

  it('tries an event again when handling fails (e.g. it could not be parked), never skipping it', async () => {
    let calls = 0;
    const queues = new AggregateQueues(async () => {
      if (++calls < 3) throw new Error('dead-letter store unreachable');
    }, 0);
    queues.dispatch(event('a', 1));
    await eventually(() => queues.watermark >= 1, 'the event to be handled after two failures', 5_000, 20);
    expect(calls).toBe(3);
    expect(queues.watermark).toBe(1);
    queues.stop();
  });
});
