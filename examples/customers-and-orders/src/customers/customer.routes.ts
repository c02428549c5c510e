import { AggregateRepository } from '@eventloom/core';
import { Route } from '../http/router';
import { requireMoney, requireName, requireObject } from '../http/validation';
import { Customer } from './customer.aggregate';
import { CreateCustomer } from './customer.commands';

export function customerRoutes(repository: AggregateRepository): Route[] {
  return [
    {
      method: 'POST',
      path: '/customers',
      async handle({ body }) {
        const input = requireObject(body);
        const command = new CreateCustomer(requireName(input, 'name'), requireMoney(input, 'creditLimit'));
        const { id } = await repository.create(Customer, command);
        return { status: 201, body: { customerId: id } };
      },
    },
    {
      method: 'GET',
      path: '/customers/:id',
      async handle({ params }) {
        const { id, aggregate } = await repository.find(Customer, params.id);
        return {
          status: 200,
          body: { customerId: id, name: aggregate.name, creditLimit: aggregate.creditLimit, availableCredit: aggregate.availableCredit() },
        };
      },
    },
  ];
}
