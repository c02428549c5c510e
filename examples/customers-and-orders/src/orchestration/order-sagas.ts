import { defineSaga, LocalContext, Messaging } from '@eventloom/core';
import { Money } from '../shared/money';
import { OrderApproved, OrderRejected } from '../orders/order.events';
import { CreditLimitExceededReply, CUSTOMER_SERVICE, ReleaseCreditCommand, ReserveCreditCommand } from './credit-messages';
import { OrdersTable } from './orders-table';

export interface CreateOrderSagaData {
  orderId: string;
  customerId: string;
  orderTotal: number;
  rejectionReason?: string;
}

/** How long the customer service may take to answer before the order is rejected (RESERVE_CREDIT_TIMEOUT_MS, default 30 s). */
export const RESERVE_CREDIT_TIMEOUT_MS = reserveCreditTimeoutMs(process.env.RESERVE_CREDIT_TIMEOUT_MS ?? '30000');

export interface CreateOrderSagaOptions {
  /** Default: RESERVE_CREDIT_TIMEOUT_MS. */
  readonly reserveCreditTimeoutMs?: number;
}

/**
 * Reserve credit on the customer service, then approve the order; a refusal
 * or no answer in time rejects it, with the reason. The order row is written,
 * and OrderCreated published, in the transaction that starts the saga.
 *
 * Compensating, the order is rejected first (at once, whether or not the
 * customer service is up), then the credit released: after a timeout the
 * reservation may still happen (the command waits in the channel for a dead
 * customer service), and the release, sent after it with the same partition
 * key, undoes it; a Customer refuses to reserve for an order it released.
 */
export function createOrderSaga<Tx>(orders: OrdersTable<Tx>, options: CreateOrderSagaOptions = {}) {
  const settle = async (data: CreateOrderSagaData, ctx: LocalContext<Tx>, approved: boolean) => {
    const row = await orders.lock(ctx.tx, data.orderId);
    if (!row || row.state !== 'PENDING') return; // cancelled meanwhile: the cancel saga releases the credit
    const rejectionReason = approved ? undefined : (data.rejectionReason ?? `no answer from the customer service: ${ctx.reason}`);
    await orders.put(ctx.tx, { ...row, state: approved ? 'APPROVED' : 'REJECTED', ...(rejectionReason ? { rejectionReason } : {}) });
    await ctx.outbox.publishEvent('Order', data.orderId, approved ? new OrderApproved(data.customerId) : new OrderRejected(data.customerId, rejectionReason!));
  };
  return defineSaga<CreateOrderSagaData, Tx>('CreateOrderSaga')
    .step()
    .invokeLocal(() => undefined)
    .withCompensation(CUSTOMER_SERVICE, (data) => new ReleaseCreditCommand(data.customerId, data.orderId))
    .step()
    .invokeLocal(() => undefined)
    .withCompensation((data, ctx) => settle(data, ctx, false))
    .step()
    .invokeParticipant(CUSTOMER_SERVICE, (data) => new ReserveCreditCommand(data.customerId, data.orderId, new Money(data.orderTotal)))
    .onReply(CreditLimitExceededReply, (data, reply) => {
      data.rejectionReason = `insufficient credit: order total ${data.orderTotal}, available ${reply.availableCredit.amount}`;
    })
    .withTimeout(options.reserveCreditTimeoutMs ?? RESERVE_CREDIT_TIMEOUT_MS)
    .step()
    .invokeLocal((data, ctx) => settle(data, ctx, true))
    .build();
}

export interface CancelOrderSagaData {
  orderId: string;
  customerId: string;
}

/** Releases the credit of a cancelled order (the row is CANCELLED, and OrderCancelled published, at start). */
export function cancelOrderSaga<Tx>() {
  return defineSaga<CancelOrderSagaData, Tx>('CancelOrderSaga')
    .step()
    .invokeParticipant(CUSTOMER_SERVICE, (data) => new ReleaseCreditCommand(data.customerId, data.orderId))
    .build();
}

function reserveCreditTimeoutMs(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`RESERVE_CREDIT_TIMEOUT_MS must be a whole number of milliseconds above 0, got '${value}'.`);
  return ms;
}

/** Starts the order service's two saga managers on its messaging. */
export async function startOrderSagas<Tx>(messaging: Messaging<Tx>, orders: OrdersTable<Tx>, options: CreateOrderSagaOptions = {}) {
  const createOrder = await messaging.sagas(createOrderSaga(orders, options));
  const cancelOrder = await messaging.sagas(cancelOrderSaga<Tx>());
  return { createOrder, cancelOrder };
}
