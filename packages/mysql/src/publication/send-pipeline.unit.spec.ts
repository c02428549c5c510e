import { MySqlSequencedEvent } from './sequencer';
import { SendPipeline } from './send-pipeline';
import { batchOf, FakeSink, settle } from '../../test/publication-fakes';

const positions = (batches: ReadonlyArray<readonly MySqlSequencedEvent[]>) => batches.map((batch) => batch.map((e) => e.position));

describe('SendPipeline', () => {
  it('hands batches to the sink one at a time, in the order they were queued', async () => {
    const sink = new FakeSink();
    const accepted: MySqlSequencedEvent[][] = [];
    const pipeline = new SendPipeline(sink, (batch) => accepted.push([...batch]));
    const first = sink.hold(0);
    pipeline.send(batchOf(1, 3));
    pipeline.send(batchOf(4, 6));
    await settle();
    expect(sink.handed).toEqual([[1, 2, 3]]);
    expect(accepted).toEqual([]);
    first.open();
    await pipeline.drained();
    expect(sink.handed).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(positions(accepted)).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(sink.maxActive).toBe(1);
    expect(pipeline.idle).toBe(true);
  });

  it('stops at the first failed send: no later batch reaches the sink or counts as accepted, and the error surfaces', async () => {
    const sink = new FakeSink();
    const accepted: MySqlSequencedEvent[][] = [];
    const pipeline = new SendPipeline(sink, (batch) => accepted.push([...batch]));
    const brokerDown = new Error('broker down');
    sink.failAt(1, brokerDown);
    pipeline.send(batchOf(1, 2));
    pipeline.send(batchOf(3, 4));
    pipeline.send(batchOf(5, 6));
    await pipeline.drained(); // settles without rejecting: the error is for the leader's loop
    expect(sink.handed).toEqual([[1, 2], [3, 4]]);
    expect(positions(accepted)).toEqual([[1, 2]]);
    expect(() => pipeline.throwIfFailed()).toThrow(brokerDown);
    pipeline.send(batchOf(7, 8));
    await pipeline.drained();
    expect(sink.handed).toHaveLength(2);
  });

  it('throws nothing while every send succeeds', async () => {
    const pipeline = new SendPipeline(new FakeSink(), () => undefined);
    pipeline.send(batchOf(1, 1));
    await pipeline.drained();
    expect(() => pipeline.throwIfFailed()).not.toThrow();
  });

  it('lets sequencing run ahead by at most maxInFlight batches', async () => {
    const sink = new FakeSink();
    const pipeline = new SendPipeline(sink, () => undefined, 2);
    const first = sink.hold(0);
    pipeline.send(batchOf(1, 1));
    let roomAfterOne = false;
    void pipeline.room().then(() => (roomAfterOne = true));
    await settle();
    expect(roomAfterOne).toBe(true);

    pipeline.send(batchOf(2, 2));
    let roomAfterTwo = false;
    void pipeline.room().then(() => (roomAfterTwo = true));
    await settle();
    expect(roomAfterTwo).toBe(false);
    expect(pipeline.idle).toBe(false);
    first.open();
    await settle();
    expect(roomAfterTwo).toBe(true);
  });

  it('drained() waits for every queued batch', async () => {
    const sink = new FakeSink();
    const pipeline = new SendPipeline(sink, () => undefined);
    const second = sink.hold(1);
    pipeline.send(batchOf(1, 1));
    pipeline.send(batchOf(2, 2));
    let drained = false;
    void pipeline.drained().then(() => (drained = true));
    await settle();
    expect(drained).toBe(false);
    second.open();
    await settle();
    expect(drained).toBe(true);
    expect(sink.accepted).toEqual([[1], [2]]);
  });
});
