import mysql from 'mysql2/promise';
import { eventually } from '@eventloom/testing';
import { call } from './http-client';
import { AcceptedOrder } from './order-load';
import { DistributedDeployment } from './distributed-deployment';

export interface Customer {
  readonly customerId: string;
  readonly creditLimit: number;
}

interface OrderState {
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: number;
  readonly state: string;
}

/**
 * What must hold once a fault is over and the services settled: every order
 * final (none PENDING), nothing parked in any service, each customer's credit
 * its limit less its approved orders, and the view equal to the services.
 * Orders are those the order service stores, so that an order whose answer
 * was lost in the outage (stored, but the client saw an error) counts too;
 * every accepted order (201) must be among them.
 */
/** How long the services may take to settle every order once the fault is over. */
export const CONVERGENCE_MS = 180_000;

export async function expectConverged(
  deployment: DistributedDeployment,
  mysqlServer: string,
  customers: readonly Customer[],
  accepted: readonly AcceptedOrder[],
): Promise<void> {
  const { urls } = deployment;
  const database = (service: 'customers' | 'orders' | 'order_history') => `${mysqlServer}/${deployment.databaseOf(service)}`;

  const stored = await storedOrderIds(database('orders'));
  expect(stored).toEqual(expect.arrayContaining(accepted.map((o) => o.orderId)));

  const orders = new Map<string, OrderState>();
  // A GET that fails to connect (a keep-alive socket closed under it, on a loaded machine) is asked again at the
  // next poll: a dead service still fails the test at the deadline, with its last error in the message.
  let lastFailure: unknown;
  await eventually(
    async () => {
      for (const orderId of stored) {
        if (orders.has(orderId)) continue;
        let body;
        try {
          ({ body } = await call(urls.orders, 'GET', `/orders/${orderId}`));
        } catch (error) {
          lastFailure = error;
          return false;
        }
        if (body.state !== 'PENDING') orders.set(orderId, { orderId, customerId: body.customerId, amount: body.orderTotal.amount, state: body.state });
      }
      return orders.size === stored.length;
    },
    `every one of ${stored.length} orders final`,
    // Thousands of orders drain after the fault: on a 2-core machine loaded by other work it took over 90 s in 2 of 5 runs.
    CONVERGENCE_MS,
    500,
  ).catch((error: unknown) => {
    // Say how far it got: a few stragglers (lost) read differently from a backlog still draining (slow).
    const pending = stored.filter((id) => !orders.has(id));
    const failed = lastFailure === undefined ? '' : `; last failed GET: ${String(lastFailure)}`;
    throw new Error(`${String(error)}; ${pending.length} still PENDING, e.g. ${pending.slice(0, 3).join(', ')}${failed}`);
  });

  for (const service of ['customers', 'orders', 'order_history'] as const) {
    expect({ service, parked: await parkedCount(database(service)) }).toEqual({ service, parked: 0 });
  }

  for (const { customerId, creditLimit } of customers) {
    const own = [...orders.values()].filter((o) => o.customerId === customerId);
    const approved = own.filter((o) => o.state === 'APPROVED').reduce((sum, o) => sum + o.amount, 0);
    const expected = { customerId, availableCredit: creditLimit - approved };
    let seen: unknown;
    await eventually(
      async () => {
        const { body } = await call(urls.customers, 'GET', `/customers/${customerId}`);
        seen = { customerId, availableCredit: body.availableCredit.amount };
        return body.availableCredit.amount === expected.availableCredit;
      },
      `customer ${customerId}'s credit to be ${expected.availableCredit}`,
      30_000,
      250,
    ).catch(() => undefined);
    expect(seen).toEqual(expected);

    const inServices = own.map((o) => ({ orderId: o.orderId, orderTotal: { amount: o.amount }, state: o.state })).sort(byId);
    let view: unknown;
    await eventually(
      async () => {
        const { body } = await call(urls.views, 'GET', `/views/customers/${customerId}`);
        view = { creditLimit: body.creditLimit?.amount, orders: (body.orders ?? []).map(({ orderId, orderTotal, state }: OrderState & { orderTotal: unknown }) => ({ orderId, orderTotal, state })).sort(byId) };
        return JSON.stringify(view) === JSON.stringify({ creditLimit, orders: inServices });
      },
      `the view of customer ${customerId} to equal the services`,
      30_000,
      250,
    ).catch(() => undefined);
    expect(view).toEqual({ creditLimit, orders: inServices });
  }
}

const byId = (a: { orderId: string }, b: { orderId: string }) => a.orderId.localeCompare(b.orderId);

async function storedOrderIds(url: string): Promise<string[]> {
  const connection = await mysql.createConnection(url);
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>("SELECT entity_id FROM entities WHERE entity_type = 'Order'");
    return rows.map((r) => String(r.entity_id));
  } finally {
    await connection.end();
  }
}

async function parkedCount(url: string): Promise<number> {
  const connection = await mysql.createConnection(url);
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM parked_events');
    return Number(rows[0].n);
  } finally {
    await connection.end();
  }
}
