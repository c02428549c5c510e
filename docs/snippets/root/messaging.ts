// The root README's tour of commands, replies, the outbox and orchestrated sagas, embedded.
// Run by messaging.unit.spec.ts. A service on MySQL uses mysqlMessaging(eventloom), with tx a mysql2 connection.
import { Command, CommandContext, CommandHandlers, defineSaga, Event, HandlesCommand, Replies, Reply, silentLogger } from '@eventloom/core';
import { embeddedEventloom, embeddedMessaging, InMemoryTable, InMemoryTransaction } from '@eventloom/in-memory';

type Tx = InMemoryTransaction;

// #region commands
@Reply('CreditReserved')
export class CreditReserved {}

@Reply('CreditLimitExceeded')
export class CreditLimitExceeded {
  constructor(readonly available: number) {}
}

@Command('ReserveCredit')
export class ReserveCredit {
  declare readonly replies?: Replies<CreditReserved, CreditLimitExceeded>;  // a type only: handlers and sagas infer it
  constructor(readonly customerId: string, readonly orderId: string, readonly amount: number) {}
}
// #endregion commands

@Command('ReleaseCredit')
export class ReleaseCredit {
  declare readonly replies?: Replies<CreditReserved>;
  constructor(readonly customerId: string, readonly orderId: string) {}
}

@Event('OrderApproved', { aggregateType: 'Order' })
export class OrderApproved {
  constructor(readonly orderId: string) {}
}

const credit = new InMemoryTable<{ limit: number; reserved: Record<string, number> }>();  // the customer service's table
const orders = new InMemoryTable<{ state: string; reason?: string }>();                   // the order service's table

// #region command-handlers
@CommandHandlers('customerService')
export class CustomerCommandHandlers {
  @HandlesCommand(ReserveCredit)
  async reserve(ctx: CommandContext<ReserveCredit, Tx>) {
    const { customerId, orderId, amount } = ctx.command;
    const customer = (await credit.lock(ctx.tx, customerId))!;
    const available = customer.limit - Object.values(customer.reserved).reduce((a, b) => a + b, 0);
    if (amount > available) return ctx.failure(new CreditLimitExceeded(available));
    credit.put(ctx.tx, customerId, { ...customer, reserved: { ...customer.reserved, [orderId]: amount } });
    return ctx.success(new CreditReserved());  // committed with the change and the "received" mark
  }

  @HandlesCommand(ReleaseCredit)
  async release(ctx: CommandContext<ReleaseCredit, Tx>) {
    const customer = (await credit.lock(ctx.tx, ctx.command.customerId))!;
    const { [ctx.command.orderId]: _released, ...reserved } = customer.reserved;
    credit.put(ctx.tx, ctx.command.customerId, { ...customer, reserved });
    return ctx.success(new CreditReserved());
  }
}
// #endregion command-handlers

// #region saga
interface CreateOrderData {
  orderId: string;
  customerId: string;
  amount: number;
}

export const createOrderSaga = defineSaga<CreateOrderData, Tx>('CreateOrderSaga')
  .step()
  .invokeLocal(() => {})                                     // the order row is written with the saga's start
  .withCompensation((data, { tx, reason }) => orders.put(tx, data.orderId, { state: 'REJECTED', reason }))
  .step()
  .invokeParticipant('customerService', (data) => new ReserveCredit(data.customerId, data.orderId, data.amount))
  .onReply(CreditLimitExceeded, (_data, reply) => void reply.available)  // reply: CreditLimitExceeded
  .withTimeout(10_000)                                       // durable; no reply in time compensates
  .step()
  .invokeLocal(async (data, { tx, outbox }) => {
    orders.put(tx, data.orderId, { state: 'APPROVED' });
    await outbox.publishEvent('Order', data.orderId, new OrderApproved(data.orderId));  // to @EventSubscribers
  })
  .build();
// #endregion saga

export async function messagingTour() {
  const eventloom = embeddedEventloom({ logger: silentLogger });
  const messaging = embeddedMessaging(eventloom, { logger: silentLogger });
  await messaging.transaction(async (tx) => credit.put(tx, 'fred', { limit: 1000, reserved: {} }));
  // #region start
  await messaging.handleCommands(new CustomerCommandHandlers());  // in the customer service
  const sagas = await messaging.sagas(createOrderSaga);           // in the order service

  const orderId = 'order-1';
  await messaging.transaction(async (tx) => {
    orders.put(tx, orderId, { state: 'PENDING' });                // the business row...
    await sagas.start({ orderId, customerId: 'fred', amount: 720 }, { tx, sagaId: orderId });  // ...and the saga: both or neither
  });
  await messaging.caughtUp();
  const saga = await sagas.find(orderId);  // { status: 'COMPLETED', step, data, reason?, awaiting? }
  // #endregion start
  await messaging.transaction(async (tx) => {
    orders.put(tx, 'order-2', { state: 'PENDING' });
    await sagas.start({ orderId: 'order-2', customerId: 'fred', amount: 720 }, { tx, sagaId: 'order-2' });
  });
  await messaging.caughtUp();
  const rejected = await sagas.find('order-2');
  await messaging.close();
  await eventloom.close();
  return { saga, rejected, orders: { approved: orders.get(orderId), rejected: orders.get('order-2') }, credit: credit.get('fred') };
}
