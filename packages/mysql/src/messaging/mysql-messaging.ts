import { Pool, PoolConnection } from 'mysql2/promise';
import { Eventloom, Messaging, MessagingBackend, MessagingOptions } from '@eventloom/core';
import { TableNames } from '../schema/table-names';
import { SchemaGuard } from '../schema/schema-guard';

/** The schema version that created received_messages and saga_instance. */
const MESSAGING_TABLES_SINCE = 4;
import { MySqlConfigError } from '../errors';
import { MySqlEventStore } from '../mysql-event-store';
import { MySqlOutboxStore } from './mysql-outbox-store';
import { MySqlReceivedMessages } from './mysql-received-messages';
import { MySqlSagaInstances } from './mysql-saga-instances';
import { MySqlTransactions } from './mysql-transactions';

/** Messaging and sagas in the store's database: the outbox in its events table, marks and instances beside it. */
export function mysqlMessagingBackend(store: { readonly pool: Pool; readonly tables: TableNames }): MessagingBackend<PoolConnection> {
  // One check, before the first use, that the schema has the messaging tables: else "run eventloom migrate".
  const schema = new SchemaGuard(store.pool, store.tables, MESSAGING_TABLES_SINCE, 'mysqlMessaging');
  return {
    transactions: new MySqlTransactions(store.pool, schema),
    outbox: new MySqlOutboxStore(store.tables),
    received: new MySqlReceivedMessages(store.tables),
    sagaInstances: new MySqlSagaInstances(store.pool, store.tables, schema),
  };
}

/**
 * Command/reply messaging and sagas for an Eventloom on a MySqlEventStore,
 * whose publisher (in process or to Kafka) delivers the outbox's messages.
 * `messaging.transaction(async (tx) => ...)`: `tx` is a mysql2 connection in a
 * transaction, for the service's own tables.
 */
export function mysqlMessaging(eventloom: Eventloom, options: Omit<MessagingOptions<PoolConnection>, 'eventloom' | 'backend'> = {}): Messaging<PoolConnection> {
  const store = eventloom.eventStore;
  if (!(store instanceof MySqlEventStore)) throw new MySqlConfigError('mysqlMessaging needs an Eventloom on a MySqlEventStore (for embedded ones, embeddedMessaging).');
  return new Messaging({ ...options, eventloom, backend: mysqlMessagingBackend(store) });
}
