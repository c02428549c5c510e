import mysql from 'mysql2/promise';
import { eventually } from '@eventloom/testing';
import { call } from './http-client';
import { ServiceName, ServiceProcesses, startServiceProcesses } from './service-processes';

// `SAGA_STYLE=orchestration npm run start:distributed`, its services killed with kill -9 while
// sagas are in flight, then restarted: every saga completes, each order agrees with the credit.
const server = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
const CUSTOMERS = 3;
const LIMIT = 500;
const ORDERS_PER_KILL = 30;

describe('SAGA_STYLE=orchestration, distributed: a service killed (kill -9) mid-saga and restarted', () => {
  let services: ServiceProcesses;
  const query = async (service: 'customers' | 'orders', sql: string, values: unknown[] = []) => {
    const connection = await mysql.createConnection(`${server}/${services.databaseOf(service)}`);
    try {
      return (await connection.query<mysql.RowDataPacket[]>(sql, values))[0];
    } finally {
      await connection.end();
    }
  };

  beforeAll(async () => {
    services = await startServiceProcesses({ env: { SAGA_STYLE: 'orchestration' } });
  }, 180_000);
  afterAll(async () => {
    await services?.stop();
  }, 60_000);

  it('completes every saga, approves or rejects each order as the credit allows, and never reserves twice', async () => {
    const { urls } = services;
    const customerIds: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const { status, body } = await call(urls.customers, 'POST', '/customers', { name: `Crash ${i}`, creditLimit: { amount: LIMIT } });
      expect(status).toBe(201);
      customerIds.push(body.customerId);
    }
    const placed: Array<{ orderId: string; customerId: string; amount: number }> = [];
    const inFlightAtKill: Record<string, number> = {};
    const placeOrdersThenKill = async (service: ServiceName) => {
      const batch = await Promise.all(
        Array.from({ length: ORDERS_PER_KILL }, async (_, i) => {
          const customerId = customerIds[i % CUSTOMERS];
          const amount = 40 + ((i * 37) % 81);
          const { status, body } = await call(urls.orders, 'POST', '/orders', { customerId, orderTotal: { amount } });
          expect(status).toBe(201);
          return { orderId: body.orderId as string, customerId, amount };
        }),
      );
      placed.push(...batch);
      await services.kill(service);
      // The database says how many sagas the kill caught running (nothing moves them until a restart).
      inFlightAtKill[service] = Number((await query('orders', "SELECT COUNT(*) AS n FROM saga_instance WHERE saga_type = 'CreateOrderSaga' AND status = 'RUNNING'"))[0].n);
      await services.restart(service);
    };

    await placeOrdersThenKill('order-service');
    await placeOrdersThenKill('customer-service');
    expect(inFlightAtKill['order-service']).toBeGreaterThanOrEqual(20);
    expect(inFlightAtKill['customer-service']).toBeGreaterThanOrEqual(20);

    // Every saga completes (approved) or compensates (rejected, credit released): none runs on, none FAILED.
    await eventually(
      async () => Number((await query('orders', "SELECT COUNT(*) AS n FROM saga_instance WHERE status IN ('RUNNING', 'FAILED')"))[0].n) === 0,
      'every saga ended',
      180_000,
      500,
    );
    const sagas = await query('orders', "SELECT saga_id, status FROM saga_instance WHERE saga_type = 'CreateOrderSaga'");
    expect(sagas).toHaveLength(placed.length);
    const orders = new Map<string, string>();
    for (const { orderId } of placed) orders.set(orderId, (await call(urls.orders, 'GET', `/orders/${orderId}`)).body.state);
    for (const { saga_id, status } of sagas) expect({ saga_id, state: orders.get(saga_id) }).toEqual({ saga_id, state: status === 'COMPLETED' ? 'APPROVED' : 'REJECTED' });

    for (const customerId of customerIds) {
      const own = placed.filter((o) => o.customerId === customerId);
      const approved = own.filter((o) => orders.get(o.orderId) === 'APPROVED');
      // The credit is the limit less the approved orders: nothing reserved for a rejected order stays held.
      const customer = await eventually(
        async () => (await call(urls.customers, 'GET', `/customers/${customerId}`)).body.availableCredit.amount === LIMIT - approved.reduce((sum, o) => sum + o.amount, 0),
        `customer ${customerId}'s credit agrees with its approved orders`,
        60_000,
        500,
      );
      void customer;
      // Reserved at most once per order, and every approved order's credit reserved.
      const reserved = await query('customers', "SELECT event_data FROM events WHERE entity_type = 'Customer' AND entity_id = ? AND event_type = 'CustomerCreditReserved'", [customerId]);
      const reservedOrders = reserved.map((r) => JSON.parse(r.event_data).orderId as string);
      expect(new Set(reservedOrders).size).toBe(reservedOrders.length);
      expect(reservedOrders).toEqual(expect.arrayContaining(approved.map((o) => o.orderId)));
    }
    const approvedCount = [...orders.values()].filter((s) => s === 'APPROVED').length;
    expect(approvedCount).toBeGreaterThan(0);
    expect(approvedCount).toBeLessThan(placed.length);
  }, 420_000);
});
