import { eventStoreContract } from '@eventloom/testing';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore() }));
