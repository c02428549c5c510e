// packages/mysql/README.md: parked events and rebuild marks. Type-checked (running it needs MySQL).
// #region dead-letters
import { Eventloom, retryAllParked, retryParked, discardParked } from '@eventloom/core';
import { MySqlDeadLetterStore, MySqlRebuildMarks } from '@eventloom/mysql';
// #endregion dead-letters
import { EventTransport } from '@eventloom/core/spi';
import { MySqlEventStore } from '@eventloom/mysql';

export async function deadLetterTour(store: MySqlEventStore, transport: EventTransport, view: object, eventId: string) {
  // #region dead-letters
  const deadLetters = MySqlDeadLetterStore.of(store);   // or new MySqlDeadLetterStore({ mysqlUrl | pool, tablePrefix? })
  await deadLetters.ready();                            // optional: fails early when the schema is older than v3
  const eventloom = new Eventloom({ eventStore: store, transport, deadLetters });
  // later, by hand or from an admin endpoint:
  await deadLetters.list('order-history');
  await retryParked(deadLetters, 'order-history', eventId, eventloom.deliveryFor(view));  // 'handled' | 'parked-again' | 'not-parked'
  await retryAllParked(deadLetters, 'order-history', eventloom.deliveryFor(view));        // oldest first, per aggregate in order
  await discardParked(deadLetters, 'order-history', eventId);
  const rebuildMarks = MySqlRebuildMarks.of(store);    // for @eventloom/kafka's rebuild and KafkaTransport
  // #endregion dead-letters
  return rebuildMarks;
}
