import { silentLogger } from '@eventloom/core';
import { consumerGroupLags } from '@eventloom/kafka';
import { UnknownSubscriberError } from './cli-errors';
import { OperatorContext } from './operator-context';

/**
 * The subscriber ids this service has, as far as the CLI can tell: the
 * service module's subscribers, and every id the database holds (checkpoints,
 * parked events, rebuild marks, replays in progress). Consumer groups are
 * added by `status --kafka`, which reads them anyway.
 */
export async function knownSubscriberIds(context: OperatorContext): Promise<string[]> {
  const ids = new Set<string>((await context.subscribers()).keys());
  for (const c of await context.checkpoints.list()) ids.add(c.subscriberId);
  for (const id of (await context.deadLetters.countsBySubscriber()).keys()) ids.add(id);
  for (const m of await context.marks.list()) ids.add(m.subscriberId);
  for (const r of await context.replays.list()) ids.add(r.subscriberId);
  return [...ids].sort();
}

/** Refuses a subscriber id the service does not know (a typo must not look like "nothing parked"). */
export async function requireKnownSubscriber(context: OperatorContext, subscriberId: string): Promise<void> {
  const known = await knownSubscriberIds(context);
  if (known.includes(subscriberId)) return;
  if (context.topology && (await consumerGroupLags({ topology: context.topology, kafka: context.kafkaAccess, subscriberIds: [subscriberId], logger: silentLogger }))[0]?.partitions.length) return;
  throw new UnknownSubscriberError(subscriberId, known);
}
