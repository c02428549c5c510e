import { call } from './http-client';
import { DistributedDeployment } from './distributed-deployment';
import { Customer } from './convergence';
import { Answer, OrderLoad } from './order-load';

/** What the fault tests share: customers, the load's clean-up, the answers allowed, readiness. */
export const OUTAGE_MS = 8_000;
export const sharedMySql = (process.env.EVENTLOOM_MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');

export async function createCustomers(deployment: DistributedDeployment, count: number): Promise<Customer[]> {
  const customers: Customer[] = [];
  for (let i = 0; i < count; i++) {
    const { status, body } = await call(deployment.urls.customers, 'POST', '/customers', { name: `Load ${i}`, creditLimit: { amount: 500 } });
    expect(status).toBe(201);
    customers.push({ customerId: body.customerId, creditLimit: 500 });
  }
  return customers;
}

const loads: OrderLoad[] = [];

/** Starts load on the order service; stopOrderLoads() (in afterEach) stops it even when the test failed, or jest would never exit. */
export function startOrderLoad(urls: DistributedDeployment['urls'], customers: readonly Customer[]): OrderLoad {
  const load = new OrderLoad(urls, customers.map((c) => c.customerId));
  loads.push(load);
  load.start();
  return load;
}

export async function stopOrderLoads(): Promise<void> {
  await Promise.all(loads.splice(0).map((load) => load.stop()));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every answer must be, outage or not: accepted, refused by the model (cancel of a final order), or 503; never a 500, a hang or a dropped connection. */
export function expectOnlyExpectedAnswers(answers: readonly Answer[]): void {
  const unexpected = answers.filter((a) => ![201, 200, 409, 503].includes(a.status));
  expect(unexpected).toEqual([]);
}

export async function readiness(url: string): Promise<{ status: number; error?: string }> {
  const { status, body } = await call(url, 'GET', '/health/ready');
  return { status, error: body.error };
}

