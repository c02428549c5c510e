import { AggregateRepository, AggregateWithMetadata } from '@eventloom/core';
import { badRequest } from '../http/http-error';
import { Route } from '../http/router';
import { requireId, requireMoney, requireObject } from '../http/validation';
import { Order } from './order.aggregate';
import { CancelOrder, CreateOrder } from './order.commands';

/** Tells whether a customer exists; embedded mode asks the Customer aggregate, a separate order service its own replica. */
export type CustomerExists = (customerId: string) => Promise<boolean>;

export function orderRoutes(repository: AggregateRepository, customerExists: CustomerExists): Route[] {
  return [
    {
      method: 'POST',
      path: '/orders',
      async handle({ body }) {
        const input = requireObject(body);
        const customerId = requireId(input, 'customerId');
        const orderTotal = requireMoney(input, 'orderTotal');
        if (!(await customerExists(customerId))) throw badRequest(`'customerId': no customer '${customerId}' exists.`);
        const { id } = await repository.create(Order, new CreateOrder(customerId, orderTotal));
        return { status: 201, body: { orderId: id } };
      },
    },
    {
      method: 'GET',
      path: '/orders/:id',
      async handle({ params }) {
        return { status: 200, body: orderBody(await repository.find(Order, params.id)) };
      },
    },
    {
      method: 'POST',
      path: '/orders/:id/cancel',
      async handle({ params }) {
        return { status: 200, body: orderBody(await repository.update(Order, params.id, new CancelOrder())) };
      },
    },
  ];
}

function orderBody({ id, aggregate }: AggregateWithMetadata<Order>) {
  return {
    orderId: id,
    customerId: aggregate.customerId,
    orderTotal: aggregate.orderTotal,
    state: aggregate.state,
    ...(aggregate.rejectionReason ? { rejectionReason: aggregate.rejectionReason } : {}),
  };
}
