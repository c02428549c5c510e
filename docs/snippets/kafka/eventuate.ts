// packages/kafka/README.md: sharing topics with Eventuate Java services. Type-checked (running it needs MySQL and a broker).
// #region eventuate
import { Aggregate, Event } from '@eventloom/core';
import { KafkaTransport, kafkaTopology, startPublisher } from '@eventloom/kafka';

@Aggregate('Order', { wireName: 'com.acme.orders.Order' })                 // Eventuate's entity type, and topic
class Order { /* ... */ }

@Event('OrderCreated', { aggregateType: 'Order', wireName: 'com.acme.orders.OrderCreatedEvent' }) // the Java class
class OrderCreated { constructor(readonly total: number) {} }
// #endregion eventuate

export async function eventuateService(mysqlUrl: string) {
  // #region eventuate
  const topology = kafkaTopology({ topicNaming: 'eventuate' });             // topic 'com.acme.orders.Order'
  const publisher = await startPublisher({ mysqlUrl, topology });
  const transport = new KafkaTransport({ topology, publication: publisher }); // reads Eventuate's CDC records too
  // #endregion eventuate
  return { publisher, transport, Order, OrderCreated };
}
