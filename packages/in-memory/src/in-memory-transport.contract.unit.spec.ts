import { InMemoryCheckpointStore, PublicationLogTransport } from '@eventloom/core/spi';
import { transportContract } from '@eventloom/testing/contract';
import { InMemoryEventStore } from './in-memory-event-store';
import { InMemoryTransport } from './in-memory-transport';

transportContract('in-memory', async () => {
  const store = new InMemoryEventStore();
  return { store, transport: new InMemoryTransport(store) };
});

transportContract('publication log (over the in-memory store)', async () => {
  const store = new InMemoryEventStore();
  return { store, transport: new PublicationLogTransport({ log: store, checkpoints: new InMemoryCheckpointStore(), pollIntervalMs: 5 }) };
});
