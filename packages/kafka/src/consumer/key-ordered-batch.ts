/** One message of a batch: its offset, and the work it needs (none for a message skipped at once). */
export interface BatchItem {
  /** Several items may share one offset (the messages of one multi-message record): it is resolved once all are done. */
  readonly offset: string;
  /** Items with the same key run one after the other, in batch order. */
  readonly key: string;
  readonly run?: () => Promise<void>;
}

export interface BatchControl {
  /** How many keys run at once. */
  readonly maxConcurrentKeys: number;
  /** Called for every offset, in order, once it and all before it are done. */
  resolve(offset: string): void;
  /** Stop starting new work (the subscription closes, or the partition was taken away). */
  shouldStop(): boolean;
}

/**
 * Runs one partition's batch: messages of one key (aggregate) in order,
 * different keys concurrently, and reports progress only as an unbroken run
 * of offsets whose work succeeded. On the first failure it starts nothing
 * more and returns the error once the running work has settled: the offsets
 * after the failed one stay unresolved, to be delivered again.
 */
export async function runKeyOrderedBatch(items: readonly BatchItem[], control: BatchControl): Promise<{ failed?: unknown; stopped: boolean }> {
  const done = new Array<boolean>(items.length).fill(false);
  let next = 0;
  const advance = () => {
    while (next < items.length && done[next]) {
      const offset = items[next++].offset;
      if (next === items.length || items[next].offset !== offset) control.resolve(offset);
    }
  };
  const queues = new Map<string, number[]>();
  items.forEach((item, index) => {
    if (!item.run) {
      done[index] = true;
      return;
    }
    const queue = queues.get(item.key);
    if (queue) queue.push(index);
    else queues.set(item.key, [index]);
  });
  advance();
  let failed: unknown;
  let hasFailed = false;
  let stopped = false;
  const keys = [...queues.values()];
  const worker = async () => {
    for (let queue = keys.shift(); queue; queue = keys.shift()) {
      for (const index of queue) {
        if (hasFailed) return;
        if (control.shouldStop()) {
          stopped = true;
          return;
        }
        try {
          await items[index].run!();
        } catch (error) {
          if (!hasFailed) {
            hasFailed = true;
            failed = error;
          }
          return;
        }
        done[index] = true;
        advance();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(control.maxConcurrentKeys, keys.length) }, worker));
  return hasFailed ? { failed, stopped } : { stopped };
}
