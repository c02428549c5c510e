import { Eventloom, EventloomOptions } from '@eventloom/core';
import { InMemoryEventStore } from './in-memory-event-store';
import { InMemoryTransport } from './in-memory-transport';

/** An Eventloom that runs entirely in this process: the default when nothing is configured. */
export function embeddedEventloom(options: Omit<EventloomOptions, 'eventStore' | 'transport'> = {}): Eventloom {
  const eventStore = new InMemoryEventStore();
  return new Eventloom({ ...options, eventStore, transport: new InMemoryTransport(eventStore) });
}
