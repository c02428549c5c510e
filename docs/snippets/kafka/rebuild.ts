// packages/kafka/README.md: rebuilding a view, then handing over to Kafka. Type-checked (running it needs MySQL and a broker).
// #region rebuild
import { MySqlPublicationLog } from '@eventloom/mysql';
import { rebuildSubscriber } from '@eventloom/kafka';
// #endregion rebuild
import { Eventloom } from '@eventloom/core';
import { MySqlEventStore, MySqlRebuildMarks } from '@eventloom/mysql';
import { KafkaTopology } from '@eventloom/kafka';

export async function rebuildView(eventloom: Eventloom, eventStore: MySqlEventStore, rebuildMarks: MySqlRebuildMarks, topology: KafkaTopology, view: object) {
  // #region rebuild
  const log = MySqlPublicationLog.of(eventStore);   // any core PublicationLog: the store read by position
  await rebuildSubscriber(eventloom, view /* emptied */, {
    log, marks: rebuildMarks, topology, // the transport's topology (transport.topology): same group, same topics
    onProgress: ({ handled, position, total }) => console.log(handled, position, total),
  });
  await eventloom.subscribe(view); // with the KafkaTransport of that topology, given the same rebuildMarks
  // #endregion rebuild
}
