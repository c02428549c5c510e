import { Command } from 'commander';
import { discardParked, EventloomError, ParkedEvent, retryAllParked, retryParked, RetryOutcome } from '@eventloom/core';
import { CliUsageError } from '../operator/cli-errors';
import { CliIo } from '../operator/cli-io';
import { requireKnownSubscriber } from '../operator/known-subscribers';
import { wholeNumber } from '../operator/operator-context';
import { StoreOptions, withStoreOptions } from '../operator/operator-options';
import { print, table } from '../output/print';

import { RunWithContext } from '../operator/run-with-context';

type Run = RunWithContext;

/** An event that is not parked for that subscriber. */
export class NotParkedError extends EventloomError {}

export function parkedCommand(io: CliIo, run: Run): Command {
  const parked = new Command('parked').description("a subscriber's parked events: list, show, retry (needs --service), discard");
  parked.addCommand(
    withStoreOptions(new Command('list'))
      .description('parked events, oldest first, of one subscriber or all')
      .argument('[subscriber]', 'a subscriber id')
      .action((subscriberId: string | undefined, options: StoreOptions) =>
        run(async (context) => {
          if (subscriberId !== undefined) await requireKnownSubscriber(context, subscriberId);
          const entries = (await context.deadLetters.list(subscriberId)).map(summary);
          print(io, options.json, entries, (rows) =>
            rows.length === 0
              ? [`No parked events${subscriberId ? ` for '${subscriberId}'` : ''}.`]
              : table(
                  ['SUBSCRIBER', 'EVENT ID', 'EVENT', 'AGGREGATE', 'VERSION', 'POSITION', 'PARKED AT', 'ATTEMPTS', 'ERROR'],
                  rows.map((r) => [r.subscriberId, r.eventId, r.eventType, `${r.aggregateType} ${r.aggregateId}`, r.version, r.position, r.parkedAt.toISOString(), r.attempts, firstLine(r.error)]),
                ),
          );
        }, options),
      ),
  );
  parked.addCommand(
    withStoreOptions(new Command('show'))
      .description('one parked event in full: the event, its error, how often it was parked')
      .argument('<subscriber>', 'a subscriber id')
      .argument('<eventId>', 'the parked event id')
      .action((subscriberId: string, eventId: string, options: StoreOptions) =>
        run(async (context) => {
          await requireKnownSubscriber(context, subscriberId);
          const found = await context.deadLetters.find(subscriberId, eventId);
          if (!found) throw notParked(subscriberId, eventId);
          const shown = { ...found.parked, timesParked: found.timesParked };
          print(io, options.json, shown, (p) => [
            `Event ${p.event.eventId} (${p.event.eventType}) of ${p.event.aggregateType} ${p.event.aggregateId}, version ${p.event.version}, position ${p.event.position ?? '-'}`,
            `Parked for '${p.subscriberId}' at ${p.parkedAt.toISOString()} after ${p.attempts} attempt(s); parked ${p.timesParked} time(s)`,
            `Stored at: ${new Date(p.event.timestamp).toISOString()}`,
            `Triggered by: ${p.event.triggeringEventId ?? '-'}`,
            `Metadata: ${JSON.stringify(p.event.metadata)}`,
            `Data: ${p.event.eventData}`,
            'Error:',
            p.error,
          ]);
        }, options),
      ),
  );
  parked.addCommand(
    withStoreOptions(new Command('retry'))
      .description("hands parked events back to the subscriber's handler (from --service); one event, or --all oldest first")
      .argument('<subscriber>', 'a subscriber id')
      .argument('[eventId]', 'the parked event id')
      .option('--all', 'every parked event of the subscriber, oldest first (an aggregate stops at its first event parked again)')
      .option('--attempts <n>', 'tries of each event before it is parked again (default: the delivery default, 8)')
      .action((subscriberId: string, eventId: string | undefined, options: StoreOptions & { all?: boolean; attempts?: string }) =>
        run(async (context) => {
          if ((eventId === undefined) === (options.all !== true)) throw new CliUsageError('Give either an <eventId> or --all.');
          await requireKnownSubscriber(context, subscriberId);
          const attempts = options.attempts === undefined ? undefined : wholeNumber('--attempts', options.attempts);
          if (attempts === 0) throw new CliUsageError('--attempts must be at least 1.');
          const handle = context
            .eventloom()
            .deliveryFor(await context.subscriber(subscriberId, 'parked retry'), attempts ? { delivery: { maxAttempts: attempts } } : {});
          let outcomes: Map<string, RetryOutcome>;
          if (eventId !== undefined) {
            const outcome = await retryParked(context.deadLetters, subscriberId, eventId, handle);
            if (outcome === 'not-parked') throw notParked(subscriberId, eventId);
            outcomes = new Map([[eventId, outcome]]);
          } else {
            outcomes = await retryAllParked(context.deadLetters, subscriberId, handle);
          }
          const result = [...outcomes].map(([id, outcome]) => ({ eventId: id, outcome }));
          print(io, options.json, result, (rows) =>
            rows.length === 0 ? [`Nothing to retry for '${subscriberId}'.`] : table(['EVENT ID', 'OUTCOME'], rows.map((r) => [r.eventId, r.outcome])),
          );
          // 3: something is still parked, for scripts that retry and check.
          return result.some((r) => r.outcome !== 'handled') ? 3 : 0;
        }, options),
      ),
  );
  parked.addCommand(
    withStoreOptions(new Command('discard'))
      .description('drops a parked event for good')
      .argument('<subscriber>', 'a subscriber id')
      .argument('<eventId>', 'the parked event id')
      .action((subscriberId: string, eventId: string, options: StoreOptions) =>
        run(async (context) => {
          await requireKnownSubscriber(context, subscriberId);
          const dropped = await discardParked(context.deadLetters, subscriberId, eventId);
          if (!dropped) throw notParked(subscriberId, eventId);
          print(io, options.json, summary(dropped), (d) => [`Discarded ${d.eventType} ${d.eventId} of ${d.aggregateType} ${d.aggregateId} (subscriber '${d.subscriberId}').`]);
        }, options),
      ),
  );
  return parked;
}

function summary(p: ParkedEvent) {
  return {
    subscriberId: p.subscriberId,
    eventId: p.event.eventId,
    eventType: p.event.eventType,
    aggregateType: p.event.aggregateType,
    aggregateId: p.event.aggregateId,
    version: p.event.version,
    position: p.event.position,
    parkedAt: p.parkedAt,
    attempts: p.attempts,
    error: p.error,
  };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

function notParked(subscriberId: string, eventId: string): NotParkedError {
  return new NotParkedError(`Event ${eventId} is not parked for subscriber '${subscriberId}' (see \`eventloom parked list ${subscriberId}\`).`);
}
