import { Class } from '../typing/class';
import { addApplier, addProcessor, AggregateOptions, defineAggregate } from './aggregate-metadata';

/** What a command handler may return: one event, several, or none. */
export type Decision = object | readonly object[] | void | undefined;

/** Declares an event-sourced aggregate stored under a stable type name. */
export function Aggregate(type: string, options?: AggregateOptions) {
  return <C extends Class<object>>(cls: C): void => defineAggregate(cls, type, options);
}

/**
 * Marks a command handler. It validates the command against current state and
 * returns the events to append. It must not change state: appliers do that.
 */
export function CommandHandler<C>(command: Class<C>) {
  return <F extends (command: C) => Decision>(target: object, method: string | symbol, _descriptor: TypedPropertyDescriptor<F>): void =>
    addProcessor(target, command, method);
}

/** @deprecated Use @CommandHandler; removed in the next version. */
export const Process = CommandHandler;

/** Marks an applier: folds one event into the aggregate's state. The parameter type is checked against the event class. */
export function Apply<E>(event: Class<E>) {
  return <F extends (event: E) => unknown>(target: object, method: string | symbol, _descriptor: TypedPropertyDescriptor<F>): void =>
    addApplier(target, event, method);
}
