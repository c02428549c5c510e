import { Class } from '../typing/class';
import { EventEnvelope } from '../typing/event-envelope';
import { AggregateRepository, AggregateWithMetadata, CommandOptions } from '../aggregates/aggregate-repository';
import { derivedId } from '../runtime/ids';

type ContextCommandOptions = Omit<CommandOptions, 'triggeringEvent'>;

/** What an event handler receives: the typed event, its metadata, and idempotent command helpers. */
export interface EventContext<E = object> extends EventEnvelope<E> {
  /** The subscriber handling the event. */
  readonly subscriberId: string;
  /** Which delivery attempt this is, from 1. */
  readonly attempt: number;
  /**
   * Updates an aggregate with this event as the triggering event: running the
   * handler again for the same event does not run the command twice.
   */
  update<A extends object>(cls: Class<A>, id: string, command: object, options?: ContextCommandOptions): Promise<AggregateWithMetadata<A>>;
  /**
   * Creates an aggregate with this event as the triggering event. Unless an id
   * is given, the id is derived from the event id, the subscriber and the
   * aggregate class, so a redelivery finds the aggregate already created.
   */
  create<A extends object>(cls: Class<A>, command: object, options?: ContextCommandOptions): Promise<AggregateWithMetadata<A>>;
}

export function eventContext<E>(
  envelope: EventEnvelope<E>,
  subscriberId: string,
  attempt: number,
  repository: AggregateRepository,
): EventContext<E> {
  const triggeringEvent = { eventId: envelope.eventId, metadata: envelope.metadata };
  return {
    ...envelope,
    subscriberId,
    attempt,
    update: (cls, id, command, options) => repository.update(cls, id, command, { ...options, triggeringEvent }),
    create: (cls, command, options) =>
      repository.create(cls, command, {
        ...options,
        id: options?.id ?? derivedId(envelope.eventId, subscriberId, cls.name),
        triggeringEvent,
      }),
  };
}
