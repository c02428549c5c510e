import { FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AggregateNotFoundError, CommandRejectedError, Messaging, SagaManager, SagaState } from '@eventloom/core';
import { Money } from '../shared/money';
import { createOrderBody, CreateOrderBody, CustomerExists } from '../orders/order.routes';
import { OrderCancelled, OrderCreated } from '../orders/order.events';
import { OrderRow, OrdersTable } from './orders-table';
import { CancelOrderSagaData, CreateOrderSagaData } from './order-sagas';

export interface OrchestratedOrderRoutesOptions<Tx> {
  readonly messaging: Messaging<Tx>;
  readonly orders: OrdersTable<Tx>;
  readonly createOrder: SagaManager<CreateOrderSagaData, Tx>;
  readonly cancelOrder: SagaManager<CancelOrderSagaData, Tx>;
  readonly customerExists: CustomerExists;
}

/**
 * The order routes of today, answered from the `orders` table: the row, its
 * event and its saga commit together. While an order is PENDING, GET shows
 * where its CreateOrderSaga stands (`saga`); once settled, the answer is the
 * choreography's, to the letter.
 */
export function orchestratedOrderRoutes<Tx>({ messaging, orders, createOrder, cancelOrder, customerExists }: OrchestratedOrderRoutesOptions<Tx>): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: CreateOrderBody }>('/orders', { schema: { body: createOrderBody } }, async ({ body }, reply) => {
      const { customerId } = body;
      if (!(await customerExists(customerId))) return reply.code(400).send({ error: `'customerId': no customer '${customerId}' exists.` });
      const orderId = randomUUID();
      await messaging.transaction(async (tx) => {
        await orders.put(tx, { orderId, customerId, orderTotal: body.orderTotal.amount, state: 'PENDING' });
        await messaging.outbox.publishEvent(tx, 'Order', orderId, new OrderCreated(customerId, new Money(body.orderTotal.amount)));
        await createOrder.start({ orderId, customerId, orderTotal: body.orderTotal.amount }, { tx, sagaId: orderId });
      });
      return reply.code(201).send({ orderId });
    });

    app.get<{ Params: { id: string } }>('/orders/:id', async ({ params }) => {
      const row = (await orders.find(params.id)) ?? notFound(params.id);
      const saga = row.state === 'PENDING' ? await createOrder.find(row.orderId) : undefined;
      return { ...orderBody(row), ...(saga ? { saga: sagaBody(saga) } : {}) };
    });

    app.post<{ Params: { id: string } }>('/orders/:id/cancel', async ({ params }) =>
      orderBody(
        await messaging.transaction(async (tx) => {
          const row = (await orders.lock(tx, params.id)) ?? notFound(params.id);
          if (row.state !== 'PENDING' && row.state !== 'APPROVED') {
            throw new CommandRejectedError(`An order that is ${row.state} cannot be cancelled.`, 'ORDER_NOT_CANCELLABLE');
          }
          const cancelled: OrderRow = { ...row, state: 'CANCELLED' };
          await orders.put(tx, cancelled);
          await messaging.outbox.publishEvent(tx, 'Order', row.orderId, new OrderCancelled(row.customerId));
          await cancelOrder.start({ orderId: row.orderId, customerId: row.customerId }, { tx, sagaId: row.orderId });
          return cancelled;
        }),
      ),
    );
  };
}

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

/** Where the saga stands: e.g. RUNNING, step 2 of 3, awaiting ReserveCreditCommand from customerService until a deadline. */
function sagaBody(saga: SagaState<CreateOrderSagaData>) {
  return {
    type: saga.sagaType,
    status: saga.status,
    step: saga.step,
    steps: saga.steps,
    compensating: saga.compensating,
    ...(saga.awaiting
      ? { awaiting: { channel: saga.awaiting.channel, command: saga.awaiting.commandType, ...(saga.awaiting.deadline ? { deadline: saga.awaiting.deadline.toISOString() } : {}) } }
      : {}),
    ...(saga.reason ? { reason: saga.reason } : {}),
  };
}
