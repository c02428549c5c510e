import { FastifyPluginAsync } from 'fastify';
import { AggregateRepository } from '@eventloom/core';
import { money, MoneyJson, nonEmptyString } from '../http/schemas';
import { Money } from '../shared/money';
import { Customer } from './customer.aggregate';
import { CreateCustomer } from './customer.commands';

interface CreateCustomerBody {
  name: string;
  creditLimit: MoneyJson;
}

const createCustomerBody = {
  type: 'object',
  required: ['name', 'creditLimit'],
  properties: { name: nonEmptyString(), creditLimit: money },
} as const;

export const customerRoutes: FastifyPluginAsync<{ repository: AggregateRepository }> = async (app, { repository }) => {
  app.post<{ Body: CreateCustomerBody }>('/customers', { schema: { body: createCustomerBody } }, async ({ body }, reply) => {
    const command = new CreateCustomer(body.name.trim(), new Money(body.creditLimit.amount));
    const { id } = await repository.create(Customer, command);
    return reply.code(201).send({ customerId: id });
  });

  app.get<{ Params: { id: string } }>('/customers/:id', async ({ params }) => {
    const { id, aggregate } = await repository.find(Customer, params.id);
    return { customerId: id, name: aggregate.name, creditLimit: aggregate.creditLimit, availableCredit: aggregate.availableCredit() };
  });
};
