import { Messaging, silentLogger } from '@eventloom/core';
import { LostCommitAcks, messagingContract, messagingContractSettings } from '@eventloom/testing/contract';
import { embeddedEventloom } from './embedded';
import { inMemoryMessagingBackend } from './in-memory-messaging';
import { InMemoryEventStore } from './in-memory-event-store';
import { InMemoryTable } from './in-memory-table';
import { InMemoryTransaction } from './in-memory-transactions';

messagingContract<InMemoryTransaction>('in-memory', async () => {
  const eventloom = embeddedEventloom({ logger: silentLogger, delivery: messagingContractSettings.delivery });
  const lostCommitAcks = new LostCommitAcks<InMemoryTransaction>();
  const backend = lostCommitAcks.wrap(inMemoryMessagingBackend(eventloom.eventStore as InMemoryEventStore));
  const messaging = new Messaging({ logger: silentLogger, ...messagingContractSettings, eventloom, backend });
  const table = new InMemoryTable<number>();
  return {
    eventloom,
    messaging,
    lostCommitAcks,
    counters: {
      add: async (tx, key, n) => table.put(tx, key, (table.get(key, tx) ?? 0) + n),
      read: async (key, tx) => (tx ? await table.lock(tx, key) : table.get(key)) ?? 0,
    },
  };
});
