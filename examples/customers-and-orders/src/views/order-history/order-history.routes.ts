import { FastifyPluginAsync } from 'fastify';
import { OrderHistoryStore } from './order-history.store';

export const orderHistoryRoutes: FastifyPluginAsync<{ store: OrderHistoryStore }> = async (app, { store }) => {
  app.get<{ Params: { id: string } }>('/views/customers/:id', async ({ params }, reply) => {
    const history = await store.find(params.id);
    if (!history) return reply.code(404).send({ error: `No order history for customer '${params.id}' (yet).` });
    return history;
  });
};
