import { Command } from 'commander';
import { silentLogger } from '@eventloom/core';
import { consumerGroupLags } from '@eventloom/kafka';
import { PublicationStatus, readPublicationStatus } from '@eventloom/mysql';
import { CliIo } from '../operator/cli-io';
import { knownSubscriberIds } from '../operator/known-subscribers';
import { OperatorContext } from '../operator/operator-context';
import { RunWithContext } from '../operator/run-with-context';
import { KafkaOptions, StoreOptions, withKafkaOptions, withStoreOptions } from '../operator/operator-options';
import { print, seconds, table } from '../output/print';

export interface SubscriberStatus {
  readonly subscriberId: string;
  /** In process: its checkpoint in subscriber_positions; through Kafka: its consumer group. */
  readonly delivery: 'in-process' | 'kafka';
  /** In process: the position up to which it handled everything. */
  readonly checkpoint?: number;
  /** Through Kafka: its consumer group and the members joined now. */
  readonly groupId?: string;
  readonly members?: number;
  /** Events after its checkpoint (in process: in the whole publication) or messages after its offsets (Kafka); undefined when unknown. */
  readonly lagEvents?: number;
  /** Age of the oldest event it has not handled (in process: by its stored time; Kafka: the first unconsumed message's); 0 when caught up; undefined when unknown. */
  readonly lagSeconds?: number;
  readonly parked: number;
  /** Position its last rebuild handled, if it was rebuilt. */
  readonly rebuiltTo?: number;
  /** A replay or rebuild that started and did not finish: where it resumes. */
  readonly replayInProgress?: { readonly fromPosition: number; readonly position: number };
}

export interface ServiceStatus {
  readonly database: string;
  readonly tablePrefix: string;
  readonly publication: PublicationStatus;
  readonly subscribers: SubscriberStatus[];
}

export function statusCommand(io: CliIo, run: RunWithContext): Command {
  return withKafkaOptions(withStoreOptions(new Command('status')))
    .description("the publisher's leader, backlog and published position; per subscriber its lag (events, seconds) and parked events")
    .action((options: StoreOptions & KafkaOptions) =>
      run(async (context) => print(io, options.json, await readStatus(context), statusText), options),
    );
}

export async function readStatus(context: OperatorContext): Promise<ServiceStatus> {
  const { store } = context;
  const publication = await readPublicationStatus(store.pool, store.tables);
  const parked = await context.deadLetters.countsBySubscriber();
  const marks = new Map((await context.marks.list()).map((m) => [m.subscriberId, m.position]));
  const replays = new Map((await context.replays.list()).map((r) => [r.subscriberId, { fromPosition: r.fromPosition, position: r.position }]));
  const ids = new Set(await knownSubscriberIds(context));
  const subscribers: SubscriberStatus[] = [];
  const common = (id: string) => ({ parked: parked.get(id) ?? 0, rebuiltTo: marks.get(id), replayInProgress: replays.get(id) });
  if (context.topology) {
    const groups = await consumerGroupLags({ topology: context.topology, kafka: context.kafkaAccess, withLagTime: true, logger: silentLogger });
    const byId = new Map(groups.map((g) => [g.subscriberId, g]));
    for (const id of [...new Set([...ids, ...byId.keys()])].sort()) {
      const group = byId.get(id);
      subscribers.push({
        subscriberId: id,
        delivery: 'kafka',
        groupId: context.topology.groupIdOf(id),
        members: group?.members,
        lagEvents: group?.lag,
        lagSeconds: group === undefined ? undefined : group.lag === 0 ? 0 : group.oldestUnconsumedAt && secondsSince(group.oldestUnconsumedAt),
        ...common(id),
      });
    }
  } else {
    const checkpoints = new Map((await context.checkpoints.list()).map((c) => [c.subscriberId, c.position]));
    for (const id of ids) {
      const checkpoint = checkpoints.get(id);
      const lagEvents = checkpoint === undefined ? undefined : Math.max(0, publication.lastPosition - checkpoint);
      const oldest = lagEvents ? await context.log.storedAt(checkpoint! + 1) : undefined;
      subscribers.push({
        subscriberId: id,
        delivery: 'in-process',
        checkpoint,
        lagEvents,
        lagSeconds: lagEvents === 0 ? 0 : oldest && secondsSince(oldest),
        ...common(id),
      });
    }
  }
  return { database: store.target.database ?? '', tablePrefix: store.tables.prefix, publication, subscribers };
}

function secondsSince(time: Date): number {
  return Math.max(0, (Date.now() - time.getTime()) / 1000);
}

function statusText(status: ServiceStatus): string[] {
  const p = status.publication;
  const leader = p.leader ? `connection ${p.leader.connectionId}${p.leader.client ? ` from ${p.leader.client}` : ''}` : 'none (no publisher holds the lock)';
  const oldest = p.oldestUnpublishedAt ? `, oldest stored ${seconds((Date.now() - p.oldestUnpublishedAt.getTime()) / 1000)} ago` : '';
  return [
    `Database ${status.database}${status.tablePrefix ? ` (table prefix '${status.tablePrefix}')` : ''}`,
    `Publisher leader:   ${leader}`,
    `Backlog:            ${p.unsequenced} without a position, ${p.unpublished} not yet published${oldest}`,
    `Published position: ${p.publishedPosition} of ${p.lastPosition}`,
    '',
    ...(status.subscribers.length === 0
      ? ['No subscribers known (give --service <module>, or --kafka for consumer groups).']
      : table(
          ['SUBSCRIBER', 'DELIVERY', 'CHECKPOINT', 'LAG', 'LAG TIME', 'PARKED', 'NOTE'],
          status.subscribers.map((s) => [
            s.subscriberId,
            s.delivery === 'kafka' ? `kafka (${s.members ?? 0} members)` : 'in-process',
            s.checkpoint,
            s.lagEvents,
            seconds(s.lagSeconds),
            s.parked,
            s.replayInProgress ? `replay from ${s.replayInProgress.fromPosition} stopped at ${s.replayInProgress.position}` : s.rebuiltTo ? `rebuilt to ${s.rebuiltTo}` : '',
          ]),
        )),
  ];
}
