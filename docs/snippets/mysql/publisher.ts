// packages/mysql/README.md: the publisher on its own. Type-checked (running it needs MySQL).
// #region publisher
import { inProcessSink, startPublisher } from '@eventloom/mysql';
// #endregion publisher
import { MySqlEventStore } from '@eventloom/mysql';

export async function publisherTour(store: MySqlEventStore) {
  // #region publisher
  const publisher = await startPublisher({ pool: store.pool, sink: inProcessSink() });   // or { mysqlUrl, sink }
  await publisher.published();   // every event stored before the call has a position and is marked published
  publisher.status();            // { leader, publishedPosition, publishedCount }
  await publisher.stop();        // also stops the sink
  // #endregion publisher
}
