import { call, eventually } from './http-client';
import { ScenarioUrls } from './scenario';

/**
 * What the orchestrated runs (embedded, MySQL, distributed) check beyond the
 * shared scenario: the saga under concurrent load, a refused cancel, and a
 * saga stuck on a dead participant.
 */

/** 50 concurrent orders of 100 against a limit of 1000: exactly 10 approved, and no credit left. */
export async function runConcurrentOrdersScenario(urls: ScenarioUrls, timeoutMs = 60_000): Promise<void> {
  const { body } = await call(urls.customers, 'POST', '/customers', { name: 'Busy', creditLimit: { amount: 1000 } });
  const orders = await Promise.all(
    Array.from({ length: 50 }, () => call(urls.orders, 'POST', '/orders', { customerId: body.customerId, orderTotal: { amount: 100 } })),
  );
  expect(orders.map((o) => o.status)).toEqual(Array(50).fill(201));
  const states = await Promise.all(
    orders.map((o) => eventually(() => call(urls.orders, 'GET', `/orders/${o.body.orderId}`), (r) => r.body.state !== 'PENDING', timeoutMs).then((r) => r.body.state)),
  );
  expect(states.filter((s) => s === 'APPROVED')).toHaveLength(10);
  expect(states.filter((s) => s === 'REJECTED')).toHaveLength(40);
  expect((await call(urls.customers, 'GET', `/customers/${body.customerId}`)).body.availableCredit).toEqual({ amount: 0 });
}

/** A rejected order cannot be cancelled, and stays as it was. */
export async function runRefusedCancelScenario(urls: ScenarioUrls): Promise<void> {
  const { body: customer } = await call(urls.customers, 'POST', '/customers', { name: 'Low', creditLimit: { amount: 10 } });
  const { body: order } = await call(urls.orders, 'POST', '/orders', { customerId: customer.customerId, orderTotal: { amount: 50 } });
  const rejected = await eventually(() => call(urls.orders, 'GET', `/orders/${order.orderId}`), (r) => r.body.state === 'REJECTED');
  expect(rejected.body.rejectionReason).toBe('insufficient credit: order total 50, available 10');
  expect((await call(urls.orders, 'POST', `/orders/${order.orderId}/cancel`)).status).toBe(409);
  expect((await call(urls.orders, 'GET', `/orders/${order.orderId}`)).body.state).toBe('REJECTED');
}

/**
 * The customer service answers no commands: while the order is PENDING its
 * GET shows the saga awaiting ReserveCreditCommand, then the deadline rejects
 * the order with the reason.
 */
export async function runTimeoutScenario(urls: ScenarioUrls, reserveCreditTimeoutMs: number): Promise<{ customerId: string; orderId: string }> {
  const { body: customer } = await call(urls.customers, 'POST', '/customers', { name: 'Unanswered', creditLimit: { amount: 1000 } });
  const { body: order } = await call(urls.orders, 'POST', '/orders', { customerId: customer.customerId, orderTotal: { amount: 10 } });
  const pending = await call(urls.orders, 'GET', `/orders/${order.orderId}`);
  expect(pending.body).toMatchObject({
    state: 'PENDING',
    saga: { type: 'CreateOrderSaga', status: 'RUNNING', step: 3, steps: 4, compensating: false, awaiting: { channel: 'customerService', command: 'ReserveCreditCommand', deadline: expect.any(String) } },
  });
  const rejected = await eventually(() => call(urls.orders, 'GET', `/orders/${order.orderId}`), (r) => r.body.state !== 'PENDING', reserveCreditTimeoutMs + 20_000);
  expect(rejected.body).toEqual({
    orderId: order.orderId,
    customerId: customer.customerId,
    orderTotal: { amount: 10 },
    state: 'REJECTED',
    rejectionReason: `no answer from the customer service: step 3 (ReserveCreditCommand to 'customerService') got no reply within ${reserveCreditTimeoutMs} ms`,
  });
  return { customerId: customer.customerId, orderId: order.orderId };
}
