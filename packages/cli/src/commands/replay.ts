import { Command } from 'commander';
import { CliUsageError } from '../operator/cli-errors';
import { CliIo } from '../operator/cli-io';
import { requireKnownSubscriber } from '../operator/known-subscribers';
import { OperatorContext, wholeNumber } from '../operator/operator-context';
import { KafkaOptions, StoreOptions, withKafkaOptions, withStoreOptions } from '../operator/operator-options';
import { replaySubscriber, ReplayResult } from '../operator/replay';
import { RunWithContext } from '../operator/run-with-context';
import { print } from '../output/print';
import { replayProgress } from '../output/progress';

type ReplayCommandOptions = StoreOptions & KafkaOptions & { from?: string; restart?: boolean; batchSize: string };

export function rebuildCommand(io: CliIo, run: RunWithContext): Command {
  return withKafkaOptions(withStoreOptions(new Command('rebuild')))
    .description('hands a subscriber (from --service) every stored event again, from the first; resumes where a killed run stopped')
    .argument('<subscriber>', 'a subscriber id')
    .option('--restart', 'start over instead of resuming a rebuild that stopped halfway')
    .option('--batch-size <n>', 'through Kafka: events read per query, and how often progress is saved', '1000')
    .action((subscriberId: string, options: ReplayCommandOptions) => run((context) => replay(io, context, subscriberId, 1, options), options));
}

export function replayCommand(io: CliIo, run: RunWithContext): Command {
  return withKafkaOptions(withStoreOptions(new Command('replay')))
    .description('hands a subscriber (from --service) the stored events again from a position or a time; resumes where a killed run stopped')
    .argument('<subscriber>', 'a subscriber id')
    .requiredOption('--from <position|timestamp>', 'a position (e.g. 1200) or an ISO time (e.g. 2026-11-28T09:00:00Z): the first event handed over again')
    .option('--restart', 'start over instead of resuming a replay that stopped halfway')
    .option('--batch-size <n>', 'through Kafka: events read per query, and how often progress is saved', '1000')
    .action((subscriberId: string, options: ReplayCommandOptions) =>
      run(async (context) => replay(io, context, subscriberId, await fromPosition(context, options.from!), options), options),
    );
}

async function replay(io: CliIo, context: OperatorContext, subscriberId: string, from: number, options: ReplayCommandOptions): Promise<void> {
  await requireKnownSubscriber(context, subscriberId);
  const progress = replayProgress(io, subscriberId, options.json);
  let result: ReplayResult;
  try {
    const batchSize = wholeNumber('--batch-size', options.batchSize);
    if (batchSize === 0) throw new CliUsageError('--batch-size must be at least 1.');
    result = await replaySubscriber(context, subscriberId, { fromPosition: from, restart: options.restart, batchSize, onProgress: (p) => progress.update(p) });
  } finally {
    progress.stop();
  }
  print(io, options.json, result, (r) => [
    `${r.resumed ? 'Resumed and finished' : 'Finished'} the replay of '${r.subscriberId}' from position ${r.fromPosition}` +
      `${r.resumed ? ` (this run from ${r.startPosition + 1})` : ''}: handled up to position ${r.position}; ` +
      (r.delivery === 'kafka' ? 'its consumer group goes on from there.' : 'its in-process subscription goes on from there.'),
  ]);
}

/** `--from`: a position, or a time (the first event stored at or after it). */
async function fromPosition(context: OperatorContext, value: string): Promise<number> {
  if (/^\d+$/.test(value)) {
    const position = Number(value);
    if (position < 1) throw new CliUsageError('--from: positions start at 1.');
    return position;
  }
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new CliUsageError(`--from must be a position (e.g. 1200) or an ISO time (e.g. 2026-11-28T09:00:00Z), got '${value}'.`);
  return (await context.log.firstPositionStoredSince(time)) ?? (await context.log.lastPosition()) + 1;
}
