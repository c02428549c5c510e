// packages/mysql/README.md: in-process delivery. Type-checked (running it needs MySQL).
// #region in-process
import { Eventloom } from '@eventloom/core';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlInProcessTransport, mysqlViews } from '@eventloom/mysql';
// #endregion in-process
import { OrderHistory } from './views';

export async function inProcessDelivery(url: string): Promise<void> {
  // #region in-process
  const store = new MySqlEventStore({ url });                 // migrate(url) first: needs schema v5
  await store.ready();
  const { transport, publisher } = await mysqlInProcessTransport(store, { pollIntervalMs: 25 });
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters: MySqlDeadLetterStore.of(store) });
  await eventloom.subscribe(new OrderHistory(mysqlViews(store)));  // the view under "Views kept in MySQL"
  // ...
  await eventloom.close();                                    // closes the transport, which stops the publisher, then the store
  // #endregion in-process
  void publisher;
}
