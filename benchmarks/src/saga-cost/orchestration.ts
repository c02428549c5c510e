import 'reflect-metadata';
import { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { Command, CommandContext, CommandHandlers, defineSaga, HandlesCommand, LocalContext, Messaging, Replies, Reply } from '@eventloom/core';
import { Customer, OrderApproved, OrderCreated, OrderRejected, ReserveCredit } from './choreography';

/*
 * A minimal copy of examples/customers-and-orders' orchestration
 * (SAGA_STYLE=orchestration) as it runs on MySQL on branch `orch`, not yet on
 * main: a plain `orders` table written in the transaction that publishes
 * OrderCreated through the outbox and starts CreateOrderSaga; the saga sends
 * ReserveCredit to the customer service (which answers from its
 * event-sourced Customer), then approves the order in a local step. Once the
 * example's MySQL version is on main, `orchestratedOrders` below is the one
 * place to point at it instead.
 */

export const CUSTOMER_SERVICE = 'sagaCostCustomerService';

@Reply('SagaCostCreditReservedReply')
export class CreditReservedReply {}

@Reply('SagaCostCreditLimitExceededReply')
export class CreditLimitExceededReply {
  constructor(readonly availableCredit: number) {}
}

@Command('SagaCostReserveCreditCommand')
export class ReserveCreditCommand {
  declare readonly replies?: Replies<CreditReservedReply, CreditLimitExceededReply>;
  constructor(
    readonly customerId: string,
    readonly orderId: string,
    readonly orderTotal: number,
  ) {}
}

/** The customer service: the message id keys the aggregate command, the reply is read off the aggregate. */
@CommandHandlers(CUSTOMER_SERVICE)
export class CustomerCommandHandlers {
  @HandlesCommand(ReserveCreditCommand)
  async reserve(ctx: CommandContext<ReserveCreditCommand>) {
    const { customerId, orderId, orderTotal } = ctx.command;
    const { aggregate } = await ctx.update(Customer, customerId, new ReserveCredit(orderId, orderTotal));
    if (aggregate.reservations.some((r) => r.orderId === orderId)) return ctx.success(new CreditReservedReply());
    return ctx.failure(new CreditLimitExceededReply(aggregate.availableCredit()));
  }
}

export interface OrderRow {
  readonly orderId: string;
  readonly customerId: string;
  readonly orderTotal: number;
  readonly state: 'PENDING' | 'APPROVED' | 'REJECTED';
  readonly rejectionReason?: string;
}

/** The order service's `orders` table, as the example's MySqlOrdersTable writes it. */
export const ORDERS_TABLE = `CREATE TABLE IF NOT EXISTS orders (
  order_id VARCHAR(36) NOT NULL PRIMARY KEY,
  customer_id VARCHAR(255) NOT NULL,
  order_total DECIMAL(19,2) NOT NULL,
  state VARCHAR(16) NOT NULL,
  rejection_reason VARCHAR(1000) NULL,
  KEY ix_orders_customer (customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

export const ordersTable = {
  async lock(tx: PoolConnection, orderId: string): Promise<OrderRow | undefined> {
    const [rows] = await tx.execute<RowDataPacket[]>('SELECT * FROM orders WHERE order_id = ? FOR UPDATE', [orderId]);
    const row = rows[0];
    return row && { orderId: String(row.order_id), customerId: String(row.customer_id), orderTotal: Number(row.order_total), state: row.state };
  },
  async put(tx: PoolConnection, row: OrderRow): Promise<void> {
    await tx.execute(
      `INSERT INTO orders (order_id, customer_id, order_total, state, rejection_reason) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE state = VALUES(state), rejection_reason = VALUES(rejection_reason)`,
      [row.orderId, row.customerId, row.orderTotal, row.state, row.rejectionReason ?? null],
    );
  },
};

export interface CreateOrderSagaData {
  orderId: string;
  customerId: string;
  orderTotal: number;
  rejectionReason?: string;
}

/** The example's CreateOrderSaga: a local step (compensated by rejecting), the participant, the local approval. */
export function createOrderSaga() {
  const settle = async (data: CreateOrderSagaData, ctx: LocalContext<PoolConnection>, approved: boolean) => {
    const row = await ordersTable.lock(ctx.tx, data.orderId);
    if (!row || row.state !== 'PENDING') return;
    const rejectionReason = approved ? undefined : (data.rejectionReason ?? `no answer from the customer service: ${ctx.reason}`);
    await ordersTable.put(ctx.tx, { ...row, state: approved ? 'APPROVED' : 'REJECTED', ...(rejectionReason ? { rejectionReason } : {}) });
    await ctx.outbox.publishEvent('SagaCostOrder', data.orderId, approved ? new OrderApproved(data.customerId) : new OrderRejected(data.customerId, rejectionReason!));
  };
  return defineSaga<CreateOrderSagaData, PoolConnection>('SagaCostCreateOrderSaga')
    .step()
    .invokeLocal(() => undefined)
    .withCompensation((data, ctx) => settle(data, ctx, false))
    .step()
    .invokeParticipant(CUSTOMER_SERVICE, (data) => new ReserveCreditCommand(data.customerId, data.orderId, data.orderTotal))
    .onReply(CreditLimitExceededReply, (data, reply) => {
      data.rejectionReason = `insufficient credit: order total ${data.orderTotal}, available ${reply.availableCredit}`;
    })
    .withTimeout(30_000)
    .step()
    .invokeLocal((data, ctx) => settle(data, ctx, true))
    .build();
}

/** The order service's side, started on `messaging`: what POST /orders runs per order. */
export async function orchestratedOrders(messaging: Messaging<PoolConnection>) {
  await messaging.handleCommands(new CustomerCommandHandlers());
  const createOrder = await messaging.sagas(createOrderSaga());
  return {
    async placeOrder(orderId: string, customerId: string, orderTotal: number): Promise<void> {
      await messaging.transaction(async (tx) => {
        await ordersTable.put(tx, { orderId, customerId, orderTotal, state: 'PENDING' });
        await messaging.outbox.publishEvent(tx, 'SagaCostOrder', orderId, new OrderCreated(customerId, orderTotal));
        await createOrder.start({ orderId, customerId, orderTotal }, { tx, sagaId: orderId });
      });
    },
  };
}
