import { MarkQueue } from './mark-queue';
import { batchOf, FakeMarker, settle } from '../../test/publication-fakes';

/** A queue starting at `published`, with what it reported. */
function queueOf(marker: FakeMarker, published = 0) {
  const reported: number[] = [];
  const failures: Array<{ upTo: number; error: unknown }> = [];
  const queue = new MarkQueue(marker.markPublished, published, {
    marked: (position) => reported.push(position),
    markFailed: (upTo, error) => failures.push({ upTo, error }),
  });
  return { queue, reported, failures };
}

// A mark covers positions (where the marks stood, the highest position accepted].
describe('MarkQueue', () => {
  it('marks nothing the sink has not accepted', async () => {
    const marker = new FakeMarker();
    const { queue, reported } = queueOf(marker, 7);
    queue.flush();
    await queue.settled();
    expect(marker.calls).toEqual([]);
    expect(reported).toEqual([]);
    expect(queue.publishedPosition).toBe(7);
  });

  it('marks accepted batches in order, one mark at a time, and reports a position only once its mark succeeded', async () => {
    const marker = new FakeMarker();
    const { queue, reported } = queueOf(marker);
    const first = marker.hold(0);
    queue.accepted(batchOf(1, 2));
    queue.flush();
    queue.accepted(batchOf(3, 4));
    queue.flush();
    await settle();
    expect(marker.calls).toEqual([[1, 2]]);
    expect(reported).toEqual([]);
    expect(queue.publishedPosition).toBe(0);
    first.open();
    await queue.settled();
    expect(marker.calls).toEqual([[1, 2], [3, 4]]);
    expect(reported).toEqual([2, 4]);
    expect(queue.publishedPosition).toBe(4);
    expect(marker.maxActive).toBe(1);
  });

  it('gathers everything accepted since the last flush into one mark', async () => {
    const marker = new FakeMarker();
    const { queue, reported } = queueOf(marker, 10);
    queue.accepted(batchOf(11, 12));
    queue.accepted(batchOf(13, 13));
    queue.flush();
    await queue.settled();
    expect(marker.calls).toEqual([[11, 12, 13]]);
    expect(reported).toEqual([13]);
  });

  it('keeps a failed mark for the next one, so the reported position never passes an unmarked event', async () => {
    const marker = new FakeMarker();
    const { queue, reported, failures } = queueOf(marker);
    const lost = new Error('connection lost');
    marker.failAt(0, lost);
    queue.accepted(batchOf(1, 2));
    queue.flush();
    await queue.settled();
    expect(reported).toEqual([]);
    expect(queue.publishedPosition).toBe(0);
    expect(failures).toEqual([{ upTo: 2, error: lost }]);

    queue.accepted(batchOf(3, 4));
    queue.flush();
    await queue.settled();
    expect(marker.calls).toEqual([[1, 2], [1, 2, 3, 4]]);
    expect(reported).toEqual([4]);
    expect(queue.publishedPosition).toBe(4);
  });

  it('retries a failed mark on the next flush even when nothing new was accepted', async () => {
    const marker = new FakeMarker();
    const { queue } = queueOf(marker);
    marker.failAt(0, new Error('deadlock'));
    queue.accepted(batchOf(1, 3));
    queue.flush();
    await queue.settled();
    queue.flush();
    await queue.settled();
    expect(marker.marked).toEqual([[1, 2, 3]]);
    expect(queue.publishedPosition).toBe(3);
  });

  it('settled() waits for the mark under way', async () => {
    const marker = new FakeMarker();
    const { queue } = queueOf(marker);
    const held = marker.hold(0);
    queue.accepted(batchOf(1, 1));
    queue.flush();
    let settled = false;
    void queue.settled().then(() => (settled = true));
    await settle();
    expect(settled).toBe(false);
    held.open();
    await settle();
    expect(settled).toBe(true);
    expect(marker.marked).toEqual([[1]]);
  });
});
