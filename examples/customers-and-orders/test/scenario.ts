import { call, eventually } from './http-client';

/**
 * The example's scenario, over HTTP, against whatever deployment serves the
 * URLs: embedded, MySQL, or separate services over Kafka.
 */
export interface ScenarioUrls {
  customers: string;
  orders: string;
  views: string;
}

export async function runCreditScenario(urls: ScenarioUrls): Promise<void> {
  const created = await call(urls.customers, 'POST', '/customers', { name: 'Fred', creditLimit: { amount: 1000 } });
  expect(created.status).toBe(201);
  const { customerId } = created.body;

  const first = await eventually(
    () => call(urls.orders, 'POST', '/orders', { customerId, orderTotal: { amount: 720 } }),
    (r) => r.status === 201, // a separate order service learns of the customer asynchronously
  );
  const firstOrder = await eventually(
    () => call(urls.orders, 'GET', `/orders/${first.body.orderId}`),
    (r) => r.body.state !== 'PENDING',
  );
  expect(firstOrder.body).toEqual({ orderId: first.body.orderId, customerId, orderTotal: { amount: 720 }, state: 'APPROVED' });

  const second = await call(urls.orders, 'POST', '/orders', { customerId, orderTotal: { amount: 500 } });
  expect(second.status).toBe(201);
  const secondOrder = await eventually(
    () => call(urls.orders, 'GET', `/orders/${second.body.orderId}`),
    (r) => r.body.state !== 'PENDING',
  );
  expect(secondOrder.body.state).toBe('REJECTED');
  expect(secondOrder.body.rejectionReason).toMatch(/insufficient credit.*280/);

  const customer = await eventually(
    () => call(urls.customers, 'GET', `/customers/${customerId}`),
    (r) => r.status === 200 && r.body.availableCredit.amount === 280,
  );
  expect(customer.body).toEqual({ customerId, name: 'Fred', creditLimit: { amount: 1000 }, availableCredit: { amount: 280 } });

  const cancelled = await call(urls.orders, 'POST', `/orders/${first.body.orderId}/cancel`);
  expect(cancelled.status).toBe(200);
  expect(cancelled.body.state).toBe('CANCELLED');
  await eventually(
    () => call(urls.customers, 'GET', `/customers/${customerId}`),
    (r) => r.body.availableCredit.amount === 1000,
  );

  const view = await eventually(
    () => call(urls.views, 'GET', `/views/customers/${customerId}`),
    (r) => r.status === 200 && r.body.orders.length === 2 && r.body.orders.every((o: { state: string }) => o.state !== 'PENDING') && r.body.orders[0].state === 'CANCELLED',
  );
  expect(view.body).toMatchObject({ customerId, name: 'Fred', creditLimit: { amount: 1000 } });
  expect(view.body.orders).toEqual([
    expect.objectContaining({ orderId: first.body.orderId, orderTotal: { amount: 720 }, state: 'CANCELLED' }),
    expect.objectContaining({ orderId: second.body.orderId, orderTotal: { amount: 500 }, state: 'REJECTED' }),
  ]);
}

/** Bad input gets a 400 naming the field, and writes nothing. */
export async function runValidationScenario(urls: ScenarioUrls): Promise<void> {
  const bad = async (base: string, path: string, body: unknown, field: RegExp) => {
    const response = await call(base, 'POST', path, body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(field);
  };
  await bad(urls.customers, '/customers', { creditLimit: { amount: 10 } }, /name/);
  await bad(urls.customers, '/customers', { name: '  ', creditLimit: { amount: 10 } }, /name/);
  await bad(urls.customers, '/customers', { name: 'A' }, /creditLimit/);
  await bad(urls.customers, '/customers', { name: 'A', creditLimit: { amount: 'lots' } }, /creditLimit\.amount.*number/);
  await bad(urls.customers, '/customers', { name: 'A', creditLimit: { amount: -1 } }, /creditLimit\.amount.*negative/);
  await bad(urls.customers, '/customers', '{"name": "A", ', /not valid JSON/);
  await bad(urls.orders, '/orders', { customerId: 'no-such-customer', orderTotal: { amount: 5 } }, /customerId/);
  const { body } = await call(urls.customers, 'POST', '/customers', { name: 'Val', creditLimit: { amount: 10 } });
  await bad(urls.orders, '/orders', { customerId: body.customerId, orderTotal: { amount: -5 } }, /orderTotal\.amount/);
  await bad(urls.orders, '/orders', { customerId: body.customerId }, /orderTotal/);

  expect((await call(urls.customers, 'GET', '/customers/does-not-exist')).status).toBe(404);
  expect((await call(urls.orders, 'GET', '/orders/does-not-exist')).status).toBe(404);
  expect((await call(urls.orders, 'POST', '/orders/does-not-exist/cancel')).status).toBe(404);
  expect((await call(urls.views, 'GET', '/views/customers/does-not-exist')).status).toBe(404);
}
