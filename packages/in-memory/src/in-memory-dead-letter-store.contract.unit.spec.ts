import { deadLetterStoreContract } from '@eventloom/testing/contract';
import { InMemoryDeadLetterStore } from './in-memory-dead-letter-store';

deadLetterStoreContract('in-memory', async () => ({ store: new InMemoryDeadLetterStore() }));
