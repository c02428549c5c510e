// The root README's "In your own service": wiring a service on MySQL, in process or through Kafka.
// Type-checked only: running it needs a MySQL server (and a broker); the example's mysql-runtime.ts runs the same wiring.
import { Eventloom } from '@eventloom/core';
import { MySqlDeadLetterStore, MySqlEventStore, mysqlInProcessTransport } from '@eventloom/mysql';
import { KafkaTransport, startPublisher } from '@eventloom/kafka';

export async function inProcessService(): Promise<Eventloom> {
  // #region own-service
  const store = new MySqlEventStore({ url: process.env.EVENTLOOM_MYSQL_URL });   // @eventloom/mysql
  await store.ready();                                  // bounded wait; names host:port if unreachable

  // Subscribers in this process read the events table by position (no broker):
  const { transport } = await mysqlInProcessTransport(store);                     // @eventloom/mysql

  // Parked events (a handler that failed every retry) stay in the service's database:
  const deadLetters = MySqlDeadLetterStore.of(store);                              // @eventloom/mysql
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters });
  // On shutdown: eventloom.close() stops the subscribers and closes the store (and the
  // in-process publisher with it).
  // #endregion own-service
  return eventloom;
}

export async function kafkaService(store: MySqlEventStore, deadLetters: MySqlDeadLetterStore) {
  // #region own-service-kafka
  const publisher = await startPublisher({ pool: store.pool });                   // @eventloom/kafka
  const transport = new KafkaTransport({ publication: publisher });               // @eventloom/kafka
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters });
  // On shutdown the publisher is yours, and shares the store's pool: stop it first.
  await publisher.stop();
  await eventloom.close();
  // #endregion own-service-kafka
}
