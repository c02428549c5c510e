/**
 * Something that takes part in a batch's one unit of work (e.g. a MySQL view's
 * transaction): it is committed once every event of the run was handled, or
 * rolled back when one of them failed.
 */
export interface BatchParticipant {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * A run of events a subscriber handles as one unit of work (Axon's batched
 * unit of work, Marten's batched projection session): its handlers run one
 * after the other, in the run's order, and whatever joins the batch commits
 * once, after the last of them. `ctx.batch` is set only for such a run.
 */
export interface DeliveryBatch {
  /** The ids of the events in the run, in order (e.g. to look their dedup records up at once). */
  readonly eventIds: readonly string[];
  /**
   * The participant registered under `key` in this batch, opened by `open` on
   * first use. It is committed after the run's last handler, or rolled back.
   */
  join<P extends BatchParticipant>(key: object, open: () => Promise<P>): Promise<P>;
}

/** How a subscriber's handlers are batched: set with `@EventSubscriber(id, { batch: { maxEvents } })`. */
export interface BatchOptions {
  /** Most events handled in one unit of work. */
  readonly maxEvents: number;
}

/** One run's unit of work: its participants, committed or rolled back in the order they joined. */
export class BatchUnit implements DeliveryBatch {
  private readonly participants = new Map<object, Promise<BatchParticipant>>();

  constructor(readonly eventIds: readonly string[]) {}

  join<P extends BatchParticipant>(key: object, open: () => Promise<P>): Promise<P> {
    let participant = this.participants.get(key);
    if (!participant) {
      participant = open();
      this.participants.set(key, participant);
    }
    return participant as Promise<P>;
  }

  /** Commits every participant; on the first failure rolls the rest back and throws it. */
  async commit(): Promise<void> {
    const joined = [...this.participants.values()];
    this.participants.clear();
    for (let i = 0; i < joined.length; i++) {
      try {
        await (await joined[i]).commit();
      } catch (error) {
        await rollbackAll(joined.slice(i + 1));
        throw error;
      }
    }
  }

  async rollback(): Promise<void> {
    const joined = [...this.participants.values()];
    this.participants.clear();
    await rollbackAll(joined);
  }
}

async function rollbackAll(participants: Array<Promise<BatchParticipant>>): Promise<void> {
  // A participant that failed to open has nothing to roll back.
  await Promise.all(participants.map(async (p) => (await p.catch(() => undefined))?.rollback().catch(() => undefined)));
}
