import { Eventloom, EventloomOptions } from '@eventloom/core';
import { DeadLetterStore } from '@eventloom/core/spi';
import { InMemoryDeadLetterStore } from './in-memory-dead-letter-store';
import { InMemoryEventStore } from './in-memory-event-store';
import { InMemoryTransport } from './in-memory-transport';

export type EmbeddedEventloomOptions = Omit<EventloomOptions, 'eventStore' | 'transport' | 'deadLetters'> & {
  /** Default: a new InMemoryDeadLetterStore, like everything else here. */
  readonly deadLetters?: DeadLetterStore;
};

/** An Eventloom that runs entirely in this process: the default when nothing is configured. */
export function embeddedEventloom(options: EmbeddedEventloomOptions = {}): Eventloom {
  const eventStore = new InMemoryEventStore();
  return new Eventloom({
    ...options,
    eventStore,
    transport: new InMemoryTransport(eventStore),
    deadLetters: options.deadLetters ?? new InMemoryDeadLetterStore(),
  });
}
