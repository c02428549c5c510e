// packages/kafka/README.md: a service on MySQL and Kafka. Type-checked (running it needs MySQL and a broker).
// #region setup
import { Eventloom } from '@eventloom/core';
import { MySqlDeadLetterStore, MySqlEventStore, MySqlRebuildMarks } from '@eventloom/mysql';
import { KafkaTransport, kafkaTopology, startPublisher } from '@eventloom/kafka';
// #endregion setup

export async function kafkaService(view: object) {
  // #region setup
  const mysqlUrl = 'mysql://app:secret@127.0.0.1:3306/shop';            // migrated: npx eventloom migrate --mysql <url>
  const topology = kafkaTopology({ topicPrefix: 'shop.', groupIdPrefix: 'shop.' });
  const publisher = await startPublisher({ mysqlUrl, kafka: { brokers: ['127.0.0.1:9092'] }, topology }); // or run the CLI
  const eventStore = new MySqlEventStore({ url: mysqlUrl });
  const rebuildMarks = MySqlRebuildMarks.of(eventStore);
  const eventloom = new Eventloom({
    eventStore,
    transport: new KafkaTransport({ topology, rebuildMarks, publication: publisher }),
    deadLetters: MySqlDeadLetterStore.of(eventStore),   // the one store; the transport gets it with each subscription
  });
  await eventloom.subscribe(view);                      // any @EventSubscriber instance, e.g. a view
  // #endregion setup
  return { eventloom, eventStore, rebuildMarks, topology, publisher };
}
