import { ReplyOutcome } from './message';

/** What a command handler answers: a reply and whether the command succeeded. */
export interface CommandOutcome<S extends object = object, F extends object = object> {
  readonly outcome: ReplyOutcome;
  readonly reply: S | F;
}

/** The command succeeded: `return withSuccess(new CreditReserved())`. */
export function withSuccess<S extends object>(reply: S): CommandOutcome<S, never> {
  return { outcome: 'SUCCESS', reply };
}

/** The command failed for a reason the sender can act on: `return withFailure(new CustomerNotFound())`. */
export function withFailure<F extends object>(reply: F): CommandOutcome<never, F> {
  return { outcome: 'FAILURE', reply };
}
