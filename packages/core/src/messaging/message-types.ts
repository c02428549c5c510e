import { Class } from '../typing/class';
import { EventTypeRegistry } from '../typing/event';

/**
 * Command and reply classes under stable type names, as events are: the name
 * travels in the `command_type` / `reply_type` header (a Tram service uses its
 * Java class name; name ours to match when we talk to one).
 */
export const commandTypes = new EventTypeRegistry({ decorator: 'Command', noun: 'command' });
export const replyTypes = new EventTypeRegistry({ decorator: 'Reply', noun: 'reply' });

/** Declares a command class sent on channels: `@Command('ReserveCredit') class ReserveCredit { ... }`. */
export function Command(type: string) {
  return <C extends Class<object>>(cls: C): void => commandTypes.register(cls, type);
}

/** Declares a reply class: `@Reply('CreditReserved') class CreditReserved { ... }`. */
export function Reply(type: string) {
  return <C extends Class<object>>(cls: C): void => replyTypes.register(cls, type);
}

/**
 * What a command may be answered with, declared on the command class so that
 * handlers and saga steps infer it:
 * `declare readonly replies?: Replies<CreditReserved, CreditLimitExceeded | CustomerNotFound>;`
 * (`declare`: a type only, nothing at run time).
 */
export interface Replies<Success extends object, Failure extends object = CommandFailed> {
  readonly success: Success;
  readonly failure: Failure;
}

/** The success reply of command class C (`object` when C declares none). */
export type SuccessOf<C> = C extends { readonly replies?: Replies<infer S, object> } ? S : object;
/** The failure replies of command class C; CommandFailed is always possible (unknown command, a handler that gave up). */
export type FailureOf<C> = (C extends { readonly replies?: Replies<object, infer F> } ? F : object) | CommandFailed;
export type ReplyOf<C> = SuccessOf<C> | FailureOf<C>;

/**
 * The failure reply Eventloom sends itself: a handler that rejected the
 * command (CommandRejectedError), kept failing, or was not found, or a
 * payload that did not decode. `code` says which.
 */
@Reply('eventloom.CommandFailed')
export class CommandFailed {
  constructor(
    readonly reason: string,
    readonly code: string = 'COMMAND_FAILED',
  ) {}
}
