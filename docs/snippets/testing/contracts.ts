// packages/testing/README.md: a back end runs the contract suites. Type-checked; the in-memory and MySQL
// packages run these very suites in their own tests (e.g. packages/in-memory/src/in-memory-event-store.unit.spec.ts).
// #region contracts
import { deadLetterStoreContract, eventStoreContract, transportContract } from '@eventloom/testing/contract';
import { InMemoryDeadLetterStore, InMemoryEventStore, InMemoryTransport } from '@eventloom/in-memory';
// #endregion contracts

export function declareContractSuites(): void {
  // #region contracts
  // Each harness is made fresh per test; teardown (optional) closes connections, drops databases.
  eventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore() }));
  deadLetterStoreContract('in-memory', async () => ({ store: new InMemoryDeadLetterStore() }));
  transportContract('in-memory', async () => {
    const store = new InMemoryEventStore();
    return { store, transport: new InMemoryTransport(store) };
  });
  // #endregion contracts
}
