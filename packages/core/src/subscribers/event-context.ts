import { Class } from '../typing/class';
import { EventEnvelope } from '../typing/event-envelope';
import { AggregateRepository, ChangedAggregate, CommandOptions } from '../aggregates/aggregate-repository';
import { derivedId } from '../runtime/ids';
import { aggregateDefinition } from '../aggregates/aggregate-metadata';
import { DeliveryBatch } from './delivery-batch';

type ContextCommandOptions = Omit<CommandOptions, 'triggeringEvent' | 'idempotencyKey'>;

/** What an event handler receives: the typed event, its metadata, and idempotent command helpers. */
export interface EventContext<E = object> extends EventEnvelope<E> {
  /** The subscriber handling the event. */
  readonly subscriberId: string;
  /** Which delivery attempt this is, from 1. */
  readonly attempt: number;
  /**
   * Set when the event is handled as part of a run in one unit of work (a
   * subscriber declared with `batch`): what joins it commits once per run.
   * A MySQL view's `once(ctx, ...)` joins it by itself.
   */
  readonly batch?: DeliveryBatch;
  /**
   * Updates an aggregate with this event as the triggering event: running the
   * handler again for the same event does not run the command twice. Each
   * command a handler sends gets its own key (event, subscriber, and its place
   * among the handler's commands), so a handler may send several, and several
   * subscribers may react to one event, without one hiding another.
   */
  update<A extends object>(cls: Class<A>, id: string, command: object, options?: ContextCommandOptions): Promise<ChangedAggregate<A>>;
  /**
   * Creates an aggregate with this event as the triggering event. Unless an id
   * is given, the id is derived from the event id, the subscriber, the
   * aggregate type and the command's place in the handler, so a redelivery
   * finds the aggregate already created.
   */
  create<A extends object>(cls: Class<A>, command: object, options?: ContextCommandOptions): Promise<ChangedAggregate<A>>;
}

export function eventContext<E>(
  envelope: EventEnvelope<E>,
  subscriberId: string,
  attempt: number,
  repository: AggregateRepository,
  batch?: DeliveryBatch,
): EventContext<E> {
  const triggeringEvent = { eventId: envelope.eventId, metadata: envelope.metadata };
  // A handler that runs again sends the same commands in the same order, so the nth command gets the same key.
  let commands = 0;
  const nextKey = () => {
    const n = commands++;
    return n === 0 ? `${envelope.eventId}:${subscriberId}` : `${envelope.eventId}:${subscriberId}#${n}`;
  };
  return {
    ...envelope,
    subscriberId,
    attempt,
    ...(batch && { batch }),
    update: (cls, id, command, options) => repository.update(cls, id, command, { ...options, triggeringEvent, idempotencyKey: nextKey() }),
    create: (cls, command, options) => {
      const idempotencyKey = nextKey();
      return repository.create(cls, command, {
        ...options,
        id: options?.id ?? derivedId(idempotencyKey, aggregateDefinition(cls).type),
        triggeringEvent,
        idempotencyKey,
      });
    },
  };
}
