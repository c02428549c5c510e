import { Class, aggregateDefinition, eventTypes } from '@eventloom/core';

type Outcome = { events: object[]; error?: undefined } | { events?: undefined; error: unknown };

/**
 * Given/when/then for one aggregate, with no store:
 * `given(Order, [new OrderCreated(...)]).when(new ApproveOrder()).then([new OrderApproved()])`.
 */
export function given<A extends object>(cls: Class<A>, history: object[] = []) {
  const definition = aggregateDefinition(cls);
  const aggregate = new cls();
  for (const event of history) apply(aggregate, definition.appliers.get(eventTypes.typeOfInstance(event)), event, definition.type);
  return {
    aggregate,
    when(command: object) {
      let outcome: Outcome;
      try {
        const method = definition.processors.get(command.constructor as Class);
        if (!method) throw new Error(`${definition.type} has no @Process(${command.constructor.name}) handler.`);
        const result = (aggregate as Record<string | symbol, (c: object) => unknown>)[method](command);
        outcome = { events: result == null ? [] : Array.isArray(result) ? result : [result] };
      } catch (error) {
        outcome = { error };
      }
      return {
        /** Asserts the exact events decided (compared as JSON with their type names). */
        then(expected: object[]): A {
          if (outcome.error !== undefined) throw outcome.error;
          expect(outcome.events!.map(describe)).toEqual(expected.map(describe));
          for (const event of outcome.events!) {
            apply(aggregate, definition.appliers.get(eventTypes.typeOfInstance(event)), event, definition.type);
          }
          return aggregate;
        },
        /** Asserts the command was refused with this error class (and message, if given). */
        thenError(errorClass: Class<Error>, message?: string | RegExp): void {
          expect(outcome.error).toBeInstanceOf(errorClass);
          if (message !== undefined) expect((outcome.error as Error).message).toMatch(message);
        },
      };
    },
  };
}

function apply(aggregate: object, method: string | symbol | undefined, event: object, type: string): void {
  if (!method) throw new Error(`${type} has no applier for ${eventTypes.typeOfInstance(event)}.`);
  (aggregate as Record<string | symbol, (e: object) => unknown>)[method](event);
}

function describe(event: object): { type: string; data: unknown } {
  return { type: eventTypes.typeOfInstance(event), data: JSON.parse(eventTypes.serialize(event)) };
}
