import { Class } from '../typing/class';
import { ChangedAggregate, CommandOptions } from '../aggregates/aggregate-repository';
import { CommandOutcome } from './command-outcome';
import { FailureOf, SuccessOf } from './message-types';
import { SendOptions } from './outbox';

type ContextCommandOptions = Omit<CommandOptions, 'triggeringEvent' | 'idempotencyKey'>;

/** The outbox bound to the handler's transaction. */
export interface TransactionalOutbox {
  publishEvent(aggregateType: string, aggregateId: string, event: object): Promise<string>;
  send(channel: string, command: object, options?: SendOptions): Promise<string>;
}

/**
 * What a command handler receives. Its reply is written in `tx`, with the
 * record that the message was handled: a handler on plain tables makes its
 * change in `tx` too, so change, reply and mark commit together. A handler
 * on an event-sourced aggregate uses `update`/`create`, keyed by the message
 * id, so a redelivery runs the aggregate's command once.
 */
export interface CommandContext<C, Tx = unknown> {
  readonly command: C;
  readonly messageId: string;
  readonly channel: string;
  readonly commandType: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Which try this is, from 1. */
  readonly attempt: number;
  readonly tx: Tx;
  readonly outbox: TransactionalOutbox;
  update<A extends object>(cls: Class<A>, id: string, command: object, options?: ContextCommandOptions): Promise<ChangedAggregate<A>>;
  create<A extends object>(cls: Class<A>, command: object, options?: ContextCommandOptions): Promise<ChangedAggregate<A>>;
  success(reply: SuccessOf<C>): CommandOutcome<SuccessOf<C>, FailureOf<C>>;
  failure(reply: FailureOf<C>): CommandOutcome<SuccessOf<C>, FailureOf<C>>;
}
