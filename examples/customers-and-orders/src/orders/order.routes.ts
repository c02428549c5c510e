import { FastifyPluginAsync } from 'fastify';
import { AggregateRepository, AggregateWithMetadata } from '@eventloom/core';
import { money, MoneyJson, nonEmptyString } from '../http/schemas';
import { Money } from '../shared/money';
import { Order } from './order.aggregate';
import { CancelOrder, CreateOrder } from './order.commands';

/** Tells whether a customer exists; embedded mode asks the Customer aggregate, a separate order service its own replica. */
export type CustomerExists = (customerId: string) => Promise<boolean>;

export interface CreateOrderBody {
  customerId: string;
  orderTotal: MoneyJson;
}

export const createOrderBody = {
  type: 'object',
  required: ['customerId', 'orderTotal'],
  properties: { customerId: nonEmptyString('a non-empty string id'), orderTotal: money },
} as const;

export const orderRoutes: FastifyPluginAsync<{ repository: AggregateRepository; customerExists: CustomerExists }> = async (
  app,
  { repository, customerExists },
) => {
  app.post<{ Body: CreateOrderBody }>('/orders', { schema: { body: createOrderBody } }, async ({ body }, reply) => {
    const { customerId } = body;
    if (!(await customerExists(customerId))) return reply.code(400).send({ error: `'customerId': no customer '${customerId}' exists.` });
    const { id } = await repository.create(Order, new CreateOrder(customerId, new Money(body.orderTotal.amount)));
    return reply.code(201).send({ orderId: id });
  });

  app.get<{ Params: { id: string } }>('/orders/:id', async ({ params }) => orderBody(await repository.find(Order, params.id)));

  app.post<{ Params: { id: string } }>('/orders/:id/cancel', async ({ params }) =>
    orderBody(await repository.update(Order, params.id, new CancelOrder())),
  );
};

function orderBody({ id, aggregate }: AggregateWithMetadata<Order>) {
  return {
    orderId: id,
    customerId: aggregate.customerId,
    orderTotal: aggregate.orderTotal,
    state: aggregate.state,
    ...(aggregate.rejectionReason ? { rejectionReason: aggregate.rejectionReason } : {}),
  };
}
