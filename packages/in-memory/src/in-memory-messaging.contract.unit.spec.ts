import { silentLogger } from '@eventloom/core';
import { messagingContract, messagingContractSettings } from '@eventloom/testing/contract';
import { embeddedEventloom } from './embedded';
import { embeddedMessaging } from './in-memory-messaging';
import { InMemoryTable } from './in-memory-table';
import { InMemoryTransaction } from './in-memory-transactions';

messagingContract<InMemoryTransaction>('in-memory', async () => {
  const eventloom = embeddedEventloom({ logger: silentLogger, delivery: messagingContractSettings.delivery });
  const messaging = embeddedMessaging(eventloom, { logger: silentLogger, ...messagingContractSettings });
  const table = new InMemoryTable<number>();
  return {
    eventloom,
    messaging,
    counters: {
      add: async (tx, key, n) => table.put(tx, key, (table.get(key, tx) ?? 0) + n),
      read: async (key, tx) => (tx ? await table.lock(tx, key) : table.get(key)) ?? 0,
    },
  };
});
