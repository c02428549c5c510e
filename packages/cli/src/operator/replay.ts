import { Eventloom, silentLogger } from '@eventloom/core';
import { aggregateTypesOf, sleep, subscriberDefinition } from '@eventloom/core/spi';
import { rebuild } from '@eventloom/kafka';
import { OperatorContext } from './operator-context';

export interface ReplayProgress {
  /** Where this run started (everything up to it was handled before). */
  readonly startPosition: number;
  /** Handled up to here. */
  readonly position: number;
  /** The end of the publication when this run started. */
  readonly target: number;
}

export interface ReplayResult {
  readonly subscriberId: string;
  readonly delivery: 'in-process' | 'kafka';
  /** The first position this replay handed over again. */
  readonly fromPosition: number;
  /** True when it went on from where a killed run stopped. */
  readonly resumed: boolean;
  readonly startPosition: number;
  /** Handled everything up to this position; the subscription goes on after it. */
  readonly position: number;
}

export interface ReplayOptions {
  /** The first position to hand over again (1: the whole store, a rebuild). */
  readonly fromPosition: number;
  /** Start over from fromPosition even when an earlier run stopped halfway. */
  readonly restart?: boolean;
  /** Events read per query through Kafka, and so how often its progress is saved (default 1000). */
  readonly batchSize?: number;
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/**
 * Hands a subscriber the stored events again from a position, to the end of
 * the publication, then leaves it where its subscription goes on. Its row in
 * `replays` says a replay is under way: a run killed halfway (even kill -9)
 * resumes from its last checkpoint when started again.
 *
 * - In process (no --kafka): the subscriber's checkpoint is moved back before
 *   `fromPosition` (never forward: a subscriber that is behind starts where it
 *   is) and the CLI runs the subscription itself, saving the checkpoint as it
 *   goes, until it reaches the position that was last when it started.
 * - Through Kafka: @eventloom/kafka's rebuild from `fromPosition`, which reads
 *   the store by position, saves its progress after each batch, and hands over
 *   to the consumer group (rebuild mark, offsets) with no gap and no repeat.
 *
 * The subscriber must run nowhere else meanwhile (Kafka: its group must be
 * empty, which the rebuild checks).
 */
export async function replaySubscriber(context: OperatorContext, subscriberId: string, options: ReplayOptions): Promise<ReplayResult> {
  const subscriber = await context.subscriber(subscriberId, 'rebuild and replay');
  const earlier = options.restart ? undefined : await context.replays.find(subscriberId);
  const eventloom = context.eventloom();
  if (context.topology) {
    const replay = earlier ?? (await context.replays.begin(subscriberId, options.fromPosition));
    const startPosition = replay.position;
    const definition = subscriberDefinition(subscriber);
    const result = await rebuild(
      {
        subscriberId,
        aggregateTypes: aggregateTypesOf(definition),
        eventTypes: [...definition.handlers.keys()],
        handle: eventloom.deliveryFor(subscriber),
      },
      {
        log: context.log,
        marks: context.marks,
        topology: context.topology,
        kafka: { brokers: context.kafkaBrokers },
        fromPosition: startPosition + 1,
        batchSize: options.batchSize,
        saveProgress: (position) => context.replays.advance(subscriberId, position),
        onProgress: ({ position, total }) => options.onProgress?.({ startPosition, position, target: total }),
        logger: silentLogger,
      },
    );
    await context.replays.finish(subscriberId);
    return { subscriberId, delivery: 'kafka', fromPosition: replay.fromPosition, resumed: earlier !== undefined, startPosition, position: result.position };
  }
  let replay = earlier;
  if (!replay) {
    const checkpoint = await context.checkpoints.load(subscriberId);
    replay = await context.replays.begin(subscriberId, Math.min(options.fromPosition, checkpoint + 1));
    await context.checkpoints.reset(subscriberId, replay.fromPosition - 1);
  }
  const target = await context.log.lastPosition();
  const startPosition = await context.checkpoints.load(subscriberId);
  const position = await runUntil(eventloom, subscriber, target, async (position) => {
    options.onProgress?.({ startPosition, position, target });
    // The row shows the checkpoint as saved (the subscription saves it a little behind what it handled).
    await context.replays.advance(subscriberId, await context.checkpoints.load(subscriberId));
  });
  await context.replays.finish(subscriberId);
  return { subscriberId, delivery: 'in-process', fromPosition: replay.fromPosition, resumed: earlier !== undefined, startPosition, position };
}

/** Runs the in-process subscription until it handled everything up to `target`; its checkpoint is saved as it goes and on close. */
async function runUntil(eventloom: Eventloom, subscriber: object, target: number, progressed: (position: number) => Promise<void>): Promise<number> {
  const subscription = await eventloom.subscribe(subscriber);
  try {
    let lastReport = 0;
    for (;;) {
      const position = subscription.position!();
      if (position >= target) return position;
      if (Date.now() - lastReport >= 250) {
        lastReport = Date.now();
        await progressed(position);
      }
      await sleep(50);
    }
  } finally {
    await subscription.close();
  }
}


