import { eventStoreContract } from '@eventloom/testing/contract';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore() }));
