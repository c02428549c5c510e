import { isDeepStrictEqual } from 'node:util';
import {
  AggregateDefinition,
  Class,
  aggregateDefinition,
  applyEvent,
  eventTypes,
  processCommand,
  processCreation,
} from '@eventloom/core/spi';
import { describeEvent, describeEvents, describeFailure, FixtureFailure } from './fixture-failure';
import { copyState, findStateChange, formatValue } from './state-change';

type Outcome = { readonly failed: false; readonly events: readonly object[] } | { readonly failed: true; readonly error: unknown };

/**
 * Given/when/then for one aggregate, with no store:
 * `given(Order, [new OrderCreated(...)]).when(new ApproveOrder()).then([new OrderApproved()])`.
 *
 * It runs the repository's own dispatch and appliers, so a fixture fails with
 * the errors the application would meet (an async handler, a missing applier
 * or handler, a handler returning something that is not an event), and it
 * fails when a command handler changes the aggregate's state.
 */
export function given<A extends object>(cls: Class<A>, history: readonly object[] = []) {
  const definition = aggregateDefinition(cls);
  const aggregate = new cls();
  history.forEach((event, index) => foldGiven(definition, aggregate, event, index));
  return {
    aggregate,
    when(command: object) {
      const commandName = command.constructor.name;
      const before = copyState(aggregate);
      let result: Outcome;
      try {
        // With no history the command can only create the aggregate, which must then decide something.
        const decided = history.length === 0 ? processCreation(definition, aggregate, command) : processCommand(definition, aggregate, command);
        result = { failed: false, events: decided };
      } catch (error) {
        result = { failed: true, error };
      }
      // Compared before any applier runs: only the command handler's own changes count.
      const stateChange = findStateChange(before, aggregate);
      try {
        // As the repository does before appending: apply each decided event, and store it as JSON.
        for (const event of result.failed ? [] : result.events) {
          applyEvent(definition, aggregate, event);
          eventTypes.serialize(event);
        }
      } catch (error) {
        result = { failed: true, error };
      }
      const outcome = result;
      const refuseStateChange = () => {
        if (!stateChange) return;
        throw new FixtureFailure(
          `${definition.type}'s command handler for ${commandName} changed state: ` +
            `'${stateChange.path}' was ${formatValue(stateChange.was)}, is ${formatValue(stateChange.is)}. ` +
            'Command handlers decide events; change state in an @Apply method.',
        );
      };
      return {
        /**
         * Asserts the command decided exactly these events (compared by type and
         * stored JSON, in order) and returns the aggregate with them applied.
         */
        then(expected: readonly object[]): A {
          refuseStateChange();
          if (outcome.failed) {
            throw new FixtureFailure(
              `Expected ${commandName} to decide ${describeEvents(expected)}, but it failed with ${describeFailure(outcome.error)}`,
              { cause: outcome.error },
            );
          }
          const decided = outcome.events;
          if (decided.length !== expected.length || decided.some((event, i) => !sameEvent(event, expected[i]))) {
            throw new FixtureFailure(
              `Expected ${commandName} to decide ${describeEvents(expected)}, but it decided ${describeEvents(decided)}` +
                firstDifference(decided, expected),
            );
          }
          return aggregate;
        },
        /**
         * Asserts the command was refused with this error class (and a message
         * containing `message`, or matching it if a RegExp); returns the error.
         */
        thenError<E extends Error>(errorClass: Class<E>, message?: string | RegExp): E {
          refuseStateChange();
          const expectation = `Expected ${commandName} to fail with ${errorClass.name}`;
          if (!outcome.failed) {
            const events = outcome.events.length === 0 ? 'no events' : `events ${describeEvents(outcome.events)}`;
            throw new FixtureFailure(`${expectation}, but it succeeded with ${events}`);
          }
          if (!(outcome.error instanceof errorClass)) {
            throw new FixtureFailure(`${expectation}, but it failed with ${describeFailure(outcome.error)}`, { cause: outcome.error });
          }
          const actual = outcome.error.message;
          if (message !== undefined && !(typeof message === 'string' ? actual.includes(message) : message.test(actual))) {
            const wanted = typeof message === 'string' ? `containing ${JSON.stringify(message)}` : `matching ${String(message)}`;
            throw new FixtureFailure(`${expectation} ${wanted}, but its message was ${JSON.stringify(actual)}`, { cause: outcome.error });
          }
          return outcome.error;
        },
      };
    },
  };
}

/** Folds one given event as loading would: read back from its stored JSON, then applied. */
function foldGiven(definition: AggregateDefinition, aggregate: object, event: object, index: number): void {
  try {
    const type = eventTypes.typeOfInstance(event);
    applyEvent(definition, aggregate, eventTypes.deserialize(type, eventTypes.serialize(event, type)));
  } catch (error) {
    throw new FixtureFailure(`Could not apply given event #${index + 1} to ${definition.type}: ${describeFailure(error)}`, { cause: error });
  }
}

function stored(event: object): { type: string; data: unknown } {
  return { type: eventTypes.typeOfInstance(event), data: JSON.parse(eventTypes.serialize(event)) as unknown };
}

function sameEvent(actual: object, expected: object): boolean {
  return isDeepStrictEqual(stored(actual), stored(expected));
}

function firstDifference(decided: readonly object[], expected: readonly object[]): string {
  const index = decided.findIndex((event, i) => i < expected.length && !sameEvent(event, expected[i]));
  if (index < 0) return ` (${decided.length} events instead of ${expected.length}).`;
  return ` (event #${index + 1} differs: expected ${describeEvent(expected[index])}, got ${describeEvent(decided[index])}).`;
}
