import { LeadershipLostError, SequencerConflictError } from '../errors';
import { serveLeaderTerm } from './leader-term';
import { FakeSequencing, fakeTerm, settle, until } from '../../test/publication-fakes';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('serveLeaderTerm', () => {
  it('publishes a backlog in position order and marks all of it published, in order', async () => {
    const sequencing = new FakeSequencing();
    sequencing.store(25);
    const { term, sink, marker, progress, stop } = fakeTerm({ sequencing, batchSize: 10 });
    const serving = serveLeaderTerm(term);
    await until(() => progress.publishedPosition === 25, 'position 25 to be marked');
    stop();
    await serving;
    expect(sink.handed).toEqual([range(1, 10), range(11, 20), range(21, 25)]);
    expect(marker.marked.flat()).toEqual(range(1, 25));
    expect(progress.acceptedCount).toBe(25);
  });

  it('sequences events stored while it idles', async () => {
    const sequencing = new FakeSequencing();
    sequencing.store(3);
    const { term, sink, progress, stop } = fakeTerm({ sequencing });
    const serving = serveLeaderTerm(term);
    await until(() => progress.publishedPosition === 3, 'position 3 to be marked');
    sequencing.store(2);
    await until(() => progress.publishedPosition === 5, 'position 5 to be marked');
    stop();
    await serving;
    expect(sink.handed.flat()).toEqual(range(1, 5));
  });

  it('first resends, with the same positions, what an earlier leader sent but did not mark; then sequences new events', async () => {
    const sequencing = new FakeSequencing({ published: 4 });
    sequencing.storeSequenced(7);
    sequencing.store(3);
    const { term, sink, marker, progress, stop } = fakeTerm({ sequencing, batchSize: 2 });
    const serving = serveLeaderTerm(term);
    await until(() => progress.publishedPosition === 10, 'position 10 to be marked');
    stop();
    await serving;
    expect(sink.handed).toEqual([[5, 6], [7], [8, 9], [10]]);
    expect(marker.markedPositions).toEqual(range(5, 10));
    // While resending, the leader expects the last position it found; then the last one it gave.
    expect(sequencing.requests.slice(0, 4)).toEqual([
      { expectedLast: 7, resend: { after: 4, upTo: 7 }, batchSize: 2 },
      { expectedLast: 7, resend: { after: 6, upTo: 7 }, batchSize: 2 },
      { expectedLast: 7, resend: undefined, batchSize: 2 },
      { expectedLast: 9, resend: undefined, batchSize: 2 },
    ]);
  });

  it('reports where publication stands as soon as it leads', async () => {
    const sequencing = new FakeSequencing({ published: 3 });
    sequencing.storeSequenced(5);
    const { term, sink, progress, stop } = fakeTerm({ sequencing });
    const held = sink.hold(0);
    const serving = serveLeaderTerm(term);
    await until(() => sink.handed.length === 1, 'the resend to be handed to the sink');
    expect(progress.publishedPosition).toBe(3);
    stop();
    held.open();
    await serving;
    expect(progress.publishedPosition).toBe(5);
  });

  it('ends with the sink\'s error when a send fails, and marks nothing from that batch on', async () => {
    const sequencing = new FakeSequencing();
    sequencing.store(30);
    const { term, sink, marker, progress } = fakeTerm({ sequencing, batchSize: 10 });
    const brokerDown = new Error('broker down');
    sink.failAt(1, brokerDown);
    await expect(serveLeaderTerm(term)).rejects.toBe(brokerDown);
    expect(sink.handed).toEqual([range(1, 10), range(11, 20)]);
    expect(sink.accepted).toEqual([range(1, 10)]);
    expect(sink.active).toBe(0);
    expect(marker.markedPositions.every((position) => position <= 10)).toBe(true);
    expect(progress.publishedPosition).toBeLessThanOrEqual(10);
  });

  it('on stop, waits for the send under way and marks it before returning', async () => {
    const sequencing = new FakeSequencing();
    sequencing.store(5);
    const { term, sink, marker, progress, stop } = fakeTerm({ sequencing });
    const held = sink.hold(0);
    let returned = false;
    const serving = serveLeaderTerm(term).then(() => (returned = true));
    await until(() => sink.handed.length === 1, 'the batch to be handed to the sink');
    stop();
    await settle();
    await settle();
    expect(returned).toBe(false);
    expect(marker.calls).toEqual([]);
    held.open();
    await serving;
    expect(marker.markedPositions).toEqual(range(1, 5));
    expect(progress.publishedPosition).toBe(5);
  });

  it('ends with LeadershipLostError when the lock is gone, once the sends under way are done', async () => {
    const sequencing = new FakeSequencing();
    sequencing.store(10);
    const { term, sink, marker } = fakeTerm({ sequencing, batchSize: 5 });
    const first = sink.hold(0);
    const second = sink.hold(1);
    let ended = false;
    const serving = serveLeaderTerm(term).finally(() => (ended = true));
    await until(() => sequencing.requests.length === 2, 'the second batch to be sequenced');
    sequencing.lockLost = true;
    first.open();
    await until(() => sequencing.requests.length === 3, 'the step that finds the lock gone');
    for (let i = 0; i < 5; i++) await settle();
    expect(ended).toBe(false); // the second batch is still on its way to the sink
    second.open();
    await expect(serving).rejects.toBeInstanceOf(LeadershipLostError);
    expect(sink.active).toBe(0);
    expect(sink.accepted).toEqual([range(1, 5), range(6, 10)]);
    // Marked: what was accepted before the failed step; the rest is resent by the next leader.
    expect(marker.markedPositions).toEqual(range(1, 5));
  });

  it('ends with SequencerConflictError when another sequencer wrote positions', async () => {
    const sequencing = new FakeSequencing();
    sequencing.store(10);
    const { term, sink } = fakeTerm({ sequencing, batchSize: 5 });
    const first = sink.hold(0);
    const serving = serveLeaderTerm(term);
    await until(() => sink.handed.length === 1, 'the first batch to be handed to the sink');
    await until(() => sequencing.requests.length === 2, 'the second batch to be sequenced');
    sequencing.store(1);
    sequencing.sequenceBehindTheLeadersBack();
    first.open();
    await expect(serving).rejects.toBeInstanceOf(SequencerConflictError);
    expect(sink.handed.flat()).toEqual(range(1, 10));
  });
});
