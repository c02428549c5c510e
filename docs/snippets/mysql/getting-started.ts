// packages/mysql/README.md: the first wiring. Type-checked (running it needs MySQL).
// #region getting-started
import { Eventloom } from '@eventloom/core';
import { migrate, MySqlDeadLetterStore, mysqlEventStore, mysqlInProcessTransport } from '@eventloom/mysql';
// #endregion getting-started

export async function gettingStarted(): Promise<Eventloom> {
  // #region getting-started
  const url = 'mysql://app:secret@127.0.0.1:3306/orders';
  await migrate(url);                                    // or: npx eventloom migrate --mysql <url>
  const eventStore = mysqlEventStore({ url });           // url defaults to $EVENTLOOM_MYSQL_URL
  await eventStore.ready({ timeoutMs: 30_000 });         // waits for the server, checks the schema
  const { transport } = await mysqlInProcessTransport(eventStore); // or @eventloom/kafka's KafkaTransport
  const deadLetters = MySqlDeadLetterStore.of(eventStore); // parked events in the same database
  const eventloom = new Eventloom({ eventStore, transport, deadLetters });
  // #endregion getting-started
  return eventloom;
}
