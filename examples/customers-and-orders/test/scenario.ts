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

  // At once: a separate order service that has not seen the customer yet waits for its replica (read-your-writes).
  const first = await call(urls.orders, 'POST', '/orders', { customerId, orderTotal: { amount: 720 } });
  expect(first.status).toBe(201);
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
  await bad(urls.customers, '/customers', { name: 'A', creditLimit: { amount: 0.001 } }, /creditLimit\.amount.*2 decimal places/);
  // A number in a string is not converted: the API takes JSON numbers only.
  await bad(urls.customers, '/customers', { name: 'A', creditLimit: { amount: '5' } }, /creditLimit\.amount.*number/);
  await bad(urls.customers, '/customers', { name: 'A', creditLimit: 5 }, /'creditLimit' must be shaped/);
  await bad(urls.customers, '/customers', { name: 'A', creditLimit: {} }, /creditLimit\.amount.*required/);
  await bad(urls.customers, '/customers', { name: 7, creditLimit: { amount: 10 } }, /'name' must be a non-empty string/);
  await bad(urls.customers, '/customers', '{"name": "A", ', /not valid JSON/);
  await bad(urls.customers, '/customers', '', /empty/);
  await bad(urls.customers, '/customers', '[1]', /must be a JSON object/);
  await bad(urls.orders, '/orders', { customerId: 'no-such-customer', orderTotal: { amount: 5 } }, /customerId/);
  const { body } = await call(urls.customers, 'POST', '/customers', { name: 'Val', creditLimit: { amount: 10 } });
  await bad(urls.orders, '/orders', { customerId: body.customerId, orderTotal: { amount: -5 } }, /orderTotal\.amount/);
  await bad(urls.orders, '/orders', { customerId: body.customerId }, /orderTotal/);

  expect((await call(urls.customers, 'GET', '/customers/does-not-exist')).status).toBe(404);
  expect((await call(urls.orders, 'GET', '/orders/does-not-exist')).status).toBe(404);
  expect((await call(urls.orders, 'POST', '/orders/does-not-exist/cancel')).status).toBe(404);
  expect((await call(urls.views, 'GET', '/views/customers/does-not-exist')).status).toBe(404);
}

/** Routing: any body is read as JSON (`curl -d` sends a form content type), unknown routes get 404, wrong methods 405. */
export async function runRoutingScenario(urls: ScenarioUrls): Promise<void> {
  const fromCurl = await call(urls.customers, 'POST', '/customers', '{"name":"Curl","creditLimit":{"amount":0.07}}', 'application/x-www-form-urlencoded');
  expect(fromCurl.status).toBe(201);
  const customer = await call(urls.customers, 'GET', `/customers/${fromCurl.body.customerId}/`);
  expect(customer.body).toMatchObject({ name: 'Curl', creditLimit: { amount: 0.07 } });

  for (const base of [urls.customers, urls.orders, urls.views]) {
    expect(await call(base, 'GET', '/no-such-route')).toEqual({ status: 404, body: { error: 'No route for /no-such-route.' } });
  }
  expect(await call(urls.customers, 'GET', '/customers')).toEqual({ status: 405, body: { error: 'GET is not allowed on /customers.' } });
  expect(await call(urls.orders, 'DELETE', '/orders/some-id')).toEqual({ status: 405, body: { error: 'DELETE is not allowed on /orders/some-id.' } });
}
