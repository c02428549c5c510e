import { HttpError } from '../../http/http-error';
import { Route } from '../../http/router';
import { OrderHistoryStore } from './order-history.store';

export function orderHistoryRoutes(store: OrderHistoryStore): Route[] {
  return [
    {
      method: 'GET',
      path: '/views/customers/:id',
      async handle({ params }) {
        const history = await store.find(params.id);
        if (!history) throw new HttpError(404, `No order history for customer '${params.id}' (yet).`);
        return { status: 200, body: history };
      },
    },
  ];
}
