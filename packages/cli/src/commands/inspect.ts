import { Command } from 'commander';
import { AggregateNotStoredError } from '../operator/cli-errors';
import { CliIo } from '../operator/cli-io';
import { OperatorContext } from '../operator/operator-context';
import { RunWithContext } from '../operator/run-with-context';
import { StoreOptions, withStoreOptions } from '../operator/operator-options';
import { print, table } from '../output/print';

export interface AggregateInspection {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly history: Array<{
    readonly version: number;
    readonly eventType: string;
    readonly eventId: string;
    readonly storedAt: Date;
    readonly position?: number;
    readonly triggeringEventId?: string;
    readonly metadata: unknown;
    readonly data: unknown;
  }>;
  readonly snapshot?: { readonly version: number; readonly snapshotType: string; readonly state: unknown };
  /** The aggregate as the repository loads it (needs its class from --service); undefined otherwise. */
  readonly state?: unknown;
}

export function inspectCommand(io: CliIo, run: RunWithContext): Command {
  return withStoreOptions(new Command('inspect'))
    .description("an aggregate's history (version, type, time, metadata, triggering event), its snapshot and, with --service, its current state")
    .argument('<aggregateType>', "the aggregate's type name, e.g. Order")
    .argument('<id>', "the aggregate's id")
    .action((aggregateType: string, id: string, options: StoreOptions) =>
      run(async (context) => print(io, options.json, await inspectAggregate(context, aggregateType, id), inspectionText), options),
    );
}

export async function inspectAggregate(context: OperatorContext, aggregateType: string, aggregateId: string): Promise<AggregateInspection> {
  const events = await context.store.readStream(aggregateType, aggregateId);
  if (events.length === 0) throw new AggregateNotStoredError(`No ${aggregateType} '${aggregateId}' in database '${context.store.target.database}' (type names are case-sensitive).`);
  const stream = await context.store.load(aggregateType, aggregateId);
  const cls = context.aggregateClass(aggregateType);
  const state = cls ? { ...(await context.eventloom().repository.find(cls, aggregateId)).aggregate } : undefined;
  return {
    aggregateType,
    aggregateId,
    version: events[events.length - 1].version,
    history: events.map((e) => ({
      version: e.version,
      eventType: e.eventType,
      eventId: e.eventId,
      storedAt: e.timestamp,
      position: e.position,
      triggeringEventId: e.triggeringEventId,
      metadata: e.metadata,
      data: JSON.parse(e.eventData),
    })),
    snapshot: stream?.snapshot && {
      version: stream.snapshot.version,
      snapshotType: stream.snapshot.snapshotType,
      state: JSON.parse(stream.snapshot.snapshotJson),
    },
    state,
  };
}

function inspectionText(a: AggregateInspection): string[] {
  return [
    `${a.aggregateType} ${a.aggregateId}, version ${a.version}`,
    '',
    ...table(
      ['VERSION', 'EVENT', 'STORED AT', 'POSITION', 'TRIGGERED BY', 'METADATA', 'DATA'],
      a.history.map((e) => [e.version, e.eventType, e.storedAt.toISOString(), e.position, e.triggeringEventId, JSON.stringify(e.metadata), JSON.stringify(e.data)]),
    ),
    '',
    a.snapshot ? `Snapshot at version ${a.snapshot.version} (${a.snapshot.snapshotType}): ${JSON.stringify(a.snapshot.state)}` : 'No snapshot.',
    a.state === undefined
      ? 'Current state: give --service <module> with this aggregate class to see it.'
      : `Current state: ${JSON.stringify(a.state)}`,
  ];
}
