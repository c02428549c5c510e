import { eventTypes } from '@eventloom/core/spi';

/** A fixture's expectation was not met; the message says what was expected and what happened instead. */
export class FixtureFailure extends Error {
  override readonly name = 'FixtureFailure';
}

/** An event as failure messages show it: its type name and its stored JSON. */
export function describeEvent(event: object): string {
  return `${eventTypes.typeOfInstance(event)} ${eventTypes.serialize(event)}`;
}

export function describeEvents(events: readonly object[]): string {
  return `[${events.map(describeEvent).join(', ')}]`;
}

/** An error by its class and message: `CommandRejectedError: An order that is REJECTED cannot be cancelled.` */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${typeof error} (${String(error)})`;
  // A subclass that does not set `name` still says which class it is.
  const name = error.name === 'Error' ? error.constructor.name : error.name;
  return `${name}: ${error.message}`;
}
