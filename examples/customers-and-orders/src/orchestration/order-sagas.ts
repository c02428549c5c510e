import { defineSaga, LocalContext } from '@eventloom/core';
import { InMemoryTransaction } from '@eventloom/in-memory';
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

/** How long the customer service may take to answer before the order is rejected. */
export const RESERVE_CREDIT_TIMEOUT_MS = Number(process.env.RESERVE_CREDIT_TIMEOUT_MS ?? 30_000);

/**
 * Reserve credit on the customer service, then approve the order; a refusal
 * or no answer in time rejects it, with the reason. The order row is written,
 * and OrderCreated published, in the transaction that starts the saga.
 */
export function createOrderSaga(orders: OrdersTable) {
  const settle = async (data: CreateOrderSagaData, ctx: LocalContext<InMemoryTransaction>, approved: boolean) => {
    const row = await orders.lock(ctx.tx, data.orderId);
    if (!row || row.state !== 'PENDING') return; // cancelled meanwhile: the cancel saga releases the credit
    const rejectionReason = approved ? undefined : (data.rejectionReason ?? `no answer from the customer service: ${ctx.reason}`);
    orders.put(ctx.tx, { ...row, state: approved ? 'APPROVED' : 'REJECTED', ...(rejectionReason ? { rejectionReason } : {}) });
    await ctx.outbox.publishEvent('Order', data.orderId, approved ? new OrderApproved(data.customerId) : new OrderRejected(data.customerId, rejectionReason!));
  };
  return defineSaga<CreateOrderSagaData, InMemoryTransaction>('CreateOrderSaga')
    .step()
    .invokeLocal(() => undefined)
    .withCompensation((data, ctx) => settle(data, ctx, false))
    .step()
    .invokeParticipant(CUSTOMER_SERVICE, (data) => new ReserveCreditCommand(data.customerId, data.orderId, new Money(data.orderTotal)))
    .onReply(CreditLimitExceededReply, (data, reply) => {
      data.rejectionReason = `insufficient credit: order total ${data.orderTotal}, available ${reply.availableCredit.amount}`;
    })
    .withTimeout(RESERVE_CREDIT_TIMEOUT_MS)
    .step()
    .invokeLocal((data, ctx) => settle(data, ctx, true))
    .build();
}

export interface CancelOrderSagaData {
  orderId: string;
  customerId: string;
}

/** Releases the credit of a cancelled order (the row is CANCELLED, and OrderCancelled published, at start). */
export function cancelOrderSaga() {
  return defineSaga<CancelOrderSagaData, InMemoryTransaction>('CancelOrderSaga')
    .step()
    .invokeParticipant(CUSTOMER_SERVICE, (data) => new ReleaseCreditCommand(data.customerId, data.orderId))
    .build();
}
