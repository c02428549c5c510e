import { silentLogger } from '@eventloom/core';
import { LeadershipLostError, SequencerConflictError } from '../src/errors';
import { LeaderSequencing, LeaderTerm } from '../src/publication/leader-term';
import { MySqlSequencedEvent, SequenceState, StepRequest } from '../src/publication/sequencer';
import { readyBatch, SequencedBatch } from '../src/publication/sequenced-batch';

/** Fakes of the publisher's parts for unit tests: no MySQL, no broker. */

export interface Gate {
  readonly promise: Promise<void>;
  open(): void;
  fail(error: unknown): void;
}

export function gate(): Gate {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Lets every pending promise callback and timer-free continuation run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Polls (between event-loop turns) until `condition` holds; fails after `turns` turns. */
export async function until(condition: () => boolean, what: string, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await settle();
  }
  throw new Error(`Timed out waiting for ${what}.`);
}

/** An event at `position`, stored in row `rowId` (default position + 100, so that ids and positions differ). */
export function sequencedEvent(position: number, rowId = position + 100): MySqlSequencedEvent {
  return {
    eventId: `event-${rowId}`,
    eventType: 'Added',
    eventData: '{}',
    aggregateType: 'Counter',
    aggregateId: `counter-${rowId % 3}`,
    version: 1,
    timestamp: new Date(0),
    metadata: {},
    position,
    rowId,
    metadataJson: '{}',
  } as MySqlSequencedEvent;
}

export function batchOf(from: number, to: number): MySqlSequencedEvent[] {
  return Array.from({ length: to - from + 1 }, (_, i) => sequencedEvent(from + i));
}

/**
 * Calls a test scripts by their index (0 first): it may hold one until it
 * opens the gate, or make one fail; counts how many run at once.
 */
class ScriptedCalls {
  private readonly gates = new Map<number, Gate>();
  private readonly failures = new Map<number, unknown>();
  private count = 0;
  active = 0;
  maxActive = 0;

  hold(index: number): Gate {
    const held = gate();
    this.gates.set(index, held);
    return held;
  }

  failAt(index: number, error: unknown): void {
    this.failures.set(index, error);
  }

  /** Runs the next call: waits for its gate, fails if told to, else records its success. */
  async run(succeeded: () => void): Promise<void> {
    const index = this.count++;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await this.gates.get(index)?.promise;
      if (this.failures.has(index)) throw this.failures.get(index);
      succeeded();
    } finally {
      this.active--;
    }
  }
}

/**
 * A sink that records what it was handed. By default it accepts at once; a
 * test may hold a send (by its index, 0 first) until it opens the gate, or
 * make a send fail.
 */
export class FakeSink extends ScriptedCalls {
  /** Positions of each batch handed to send(), in call order. */
  readonly handed: number[][] = [];
  /** Positions of each batch whose send resolved, in order. */
  readonly accepted: number[][] = [];

  start = async (): Promise<void> => {};
  stop = async (): Promise<void> => {};

  send = async (events: readonly MySqlSequencedEvent[]): Promise<void> => {
    const positions = events.map((e) => e.position);
    this.handed.push(positions);
    await this.run(() => this.accepted.push(positions));
  };
}

/** Records the positions each mark covers; a test may hold a mark (by its index) or make it fail. */
export class FakeMarker extends ScriptedCalls {
  /** Positions covered by each mark that succeeded, in order. */
  readonly marked: number[][] = [];
  /** Positions covered by each call, in order. */
  readonly calls: number[][] = [];

  get markedPositions(): number[] {
    return this.marked.flat().sort((a, b) => a - b);
  }

  markPublished = async ({ after, upTo }: { readonly after: number; readonly upTo: number }): Promise<void> => {
    const positions = Array.from({ length: upTo - after }, (_, i) => after + 1 + i);
    this.calls.push(positions);
    await this.run(() => this.marked.push(positions));
  };
}

/**
 * The events table as the leader's sequencer sees it, in memory: rows in id
 * order, some with positions. Checks the leader's expectedLast as the real
 * Sequencer does, and can lose the lock.
 */
export class FakeSequencing implements LeaderSequencing {
  /** Row id to position (undefined: awaits one). */
  readonly rows = new Map<number, number | undefined>();
  readonly requests: StepRequest[] = [];
  lockLost = false;
  private last = 0;

  constructor(private readonly state: { readonly published?: number } = {}) {}

  /** Stores `count` new events (rows without a position). */
  store(count: number): void {
    const next = Math.max(100, ...this.rows.keys()) + 1;
    for (let i = 0; i < count; i++) this.rows.set(next + i, undefined);
  }

  /** Stores `count` events that an earlier leader already sequenced. */
  storeSequenced(count: number): void {
    this.store(count);
    for (const [rowId, position] of this.rows) if (position === undefined) this.rows.set(rowId, ++this.last);
  }

  /** Another sequencer (a publisher on another lock) gives the next awaiting event a position. */
  sequenceBehindTheLeadersBack(): void {
    for (const [rowId, position] of this.rows) {
      if (position === undefined) {
        this.rows.set(rowId, ++this.last);
        return;
      }
    }
  }

  async prepare(): Promise<SequenceState> {
    return { lastPosition: this.last, publishedPosition: this.state.published ?? this.last };
  }

  async step(request: StepRequest): Promise<SequencedBatch<MySqlSequencedEvent>> {
    return readyBatch(this.stepEvents(request));
  }

  private stepEvents(request: StepRequest): MySqlSequencedEvent[] {
    this.requests.push(request);
    if (this.lockLost) throw new LeadershipLostError('The publisher lock is no longer held by this instance.');
    if (request.expectedLast !== this.last) throw new SequencerConflictError(`The highest position is ${this.last}, but this publisher gave ${request.expectedLast} last.`);
    if (request.resend) {
      const { after, upTo } = request.resend;
      return [...this.rows]
        .filter(([, position]) => position !== undefined && position > after && position <= upTo)
        .sort((a, b) => a[1]! - b[1]!)
        .slice(0, request.batchSize)
        .map(([rowId, position]) => sequencedEvent(position!, rowId));
    }
    const batch: MySqlSequencedEvent[] = [];
    for (const [rowId, position] of this.rows) {
      if (batch.length === request.batchSize) break;
      if (position !== undefined) continue;
      this.rows.set(rowId, ++this.last);
      batch.push(sequencedEvent(this.last, rowId));
    }
    return batch;
  }

  async pending(): Promise<boolean> {
    if (this.lockLost) throw new LeadershipLostError('The publisher lock is no longer held by this instance.');
    return [...this.rows.values()].some((position) => position === undefined);
  }

  /** Row ids of the events at positions from..to. */
  rowIdsAt(from: number, to: number): number[] {
    return [...this.rows].filter(([, p]) => p !== undefined && p >= from && p <= to).map(([id]) => id).sort((a, b) => a - b);
  }
}

/** A leader term over fakes, with a stop switch and a record of its progress. */
export function fakeTerm(parts: { sequencing: FakeSequencing; sink?: FakeSink; marker?: FakeMarker; batchSize?: number }) {
  const sink = parts.sink ?? new FakeSink();
  const marker = parts.marker ?? new FakeMarker();
  const progress = { publishedPosition: -1, acceptedCount: 0 };
  let stopping = false;
  const term: LeaderTerm = {
    sequencing: parts.sequencing,
    sink,
    markPublished: marker.markPublished,
    batchSize: parts.batchSize ?? 10,
    pollIntervalMs: 1,
    progress: {
      published: (position) => (progress.publishedPosition = position),
      accepted: (count) => (progress.acceptedCount += count),
    },
    logger: silentLogger,
    instanceId: 'test',
    stopping: () => stopping,
    pause: () => settle(),
  };
  return { term, sink, marker, progress, stop: () => (stopping = true) };
}
