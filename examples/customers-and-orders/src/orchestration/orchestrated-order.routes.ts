import { FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AggregateNotFoundError, CommandRejectedError, Messaging, SagaManager } from '@eventloom/core';
import { InMemoryTransaction } from '@eventloom/in-memory';
import { Money } from '../shared/money';
import { createOrderBody, CreateOrderBody, CustomerExists } from '../orders/order.routes';
import { OrderCancelled, OrderCreated } from '../orders/order.events';
import { OrderRow, OrdersTable } from './orders-table';
import { CancelOrderSagaData, CreateOrderSagaData } from './order-sagas';

export interface OrchestratedOrderRoutesOptions {
  readonly messaging: Messaging<InMemoryTransaction>;
  readonly orders: OrdersTable;
  readonly createOrder: SagaManager<CreateOrderSagaData, InMemoryTransaction>;
  readonly cancelOrder: SagaManager<CancelOrderSagaData, InMemoryTransaction>;
  readonly customerExists: CustomerExists;
}

/** The order routes of today, answered from the `orders` table: the row, its event and its saga commit together. */
export const orchestratedOrderRoutes: FastifyPluginAsync<OrchestratedOrderRoutesOptions> = async (app, { messaging, orders, createOrder, cancelOrder, customerExists }) => {
  app.post<{ Body: CreateOrderBody }>('/orders', { schema: { body: createOrderBody } }, async ({ body }, reply) => {
    const { customerId } = body;
    if (!(await customerExists(customerId))) return reply.code(400).send({ error: `'customerId': no customer '${customerId}' exists.` });
    const orderId = randomUUID();
    await messaging.transaction(async (tx) => {
      orders.put(tx, { orderId, customerId, orderTotal: body.orderTotal.amount, state: 'PENDING' });
      await messaging.outbox.publishEvent(tx, 'Order', orderId, new OrderCreated(customerId, new Money(body.orderTotal.amount)));
      await createOrder.start({ orderId, customerId, orderTotal: body.orderTotal.amount }, { tx, sagaId: orderId });
    });
    return reply.code(201).send({ orderId });
  });

  app.get<{ Params: { id: string } }>('/orders/:id', async ({ params }) => orderBody(orders.find(params.id) ?? notFound(params.id)));

  app.post<{ Params: { id: string } }>('/orders/:id/cancel', async ({ params }) =>
    orderBody(
      await messaging.transaction(async (tx) => {
        const row = (await orders.lock(tx, params.id)) ?? notFound(params.id);
        if (row.state !== 'PENDING' && row.state !== 'APPROVED') {
          throw new CommandRejectedError(`An order that is ${row.state} cannot be cancelled.`, 'ORDER_NOT_CANCELLABLE');
        }
        const cancelled: OrderRow = { ...row, state: 'CANCELLED' };
        orders.put(tx, cancelled);
        await messaging.outbox.publishEvent(tx, 'Order', row.orderId, new OrderCancelled(row.customerId));
        await cancelOrder.start({ orderId: row.orderId, customerId: row.customerId }, { tx, sagaId: row.orderId });
        return cancelled;
      }),
    ),
  );
};

function notFound(orderId: string): never {
  throw new AggregateNotFoundError('Order', orderId);
}

function orderBody(row: OrderRow) {
  return {
    orderId: row.orderId,
    customerId: row.customerId,
    orderTotal: new Money(row.orderTotal),
    state: row.state,
    ...(row.rejectionReason ? { rejectionReason: row.rejectionReason } : {}),
  };
}
