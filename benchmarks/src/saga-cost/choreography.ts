import 'reflect-metadata';
import { Aggregate, Apply, CommandHandler, Event, EventContext, EventHandlerMethod, EventSubscriber } from '@eventloom/core';

/*
 * A minimal copy of examples/customers-and-orders' choreography (the default
 * SAGA_STYLE): the event-sourced Order and Customer and the two workflows that
 * pass the saga along by events. Same events, commands and handlers per order;
 * totals are plain numbers instead of the example's Money, and every type is
 * prefixed so that it cannot meet the example's or another benchmark's.
 */

@Event('SagaCostOrderCreated', { aggregateType: 'SagaCostOrder' })
export class OrderCreated {
  constructor(
    readonly customerId: string,
    readonly orderTotal: number,
  ) {}
}
@Event('SagaCostOrderApproved', { aggregateType: 'SagaCostOrder' })
export class OrderApproved {
  constructor(readonly customerId: string) {}
}
@Event('SagaCostOrderRejected', { aggregateType: 'SagaCostOrder' })
export class OrderRejected {
  constructor(
    readonly customerId: string,
    readonly reason: string,
  ) {}
}

@Event('SagaCostCustomerCreated', { aggregateType: 'SagaCostCustomer' })
export class CustomerCreated {
  constructor(
    readonly name: string,
    readonly creditLimit: number,
  ) {}
}
@Event('SagaCostCustomerCreditReserved', { aggregateType: 'SagaCostCustomer' })
export class CustomerCreditReserved {
  constructor(
    readonly orderId: string,
    readonly orderTotal: number,
  ) {}
}
@Event('SagaCostCustomerCreditLimitExceeded', { aggregateType: 'SagaCostCustomer' })
export class CustomerCreditLimitExceeded {
  constructor(
    readonly orderId: string,
    readonly orderTotal: number,
    readonly availableCredit: number,
  ) {}
}

export class CreateCustomer {
  constructor(
    readonly name: string,
    readonly creditLimit: number,
  ) {}
}
export class ReserveCredit {
  constructor(
    readonly orderId: string,
    readonly orderTotal: number,
  ) {}
}
export class CreateOrder {
  constructor(
    readonly customerId: string,
    readonly orderTotal: number,
  ) {}
}
export class ApproveOrder {}
export class RejectOrder {
  constructor(readonly reason: string) {}
}

@Aggregate('SagaCostCustomer')
export class Customer {
  creditLimit = 0;
  reservations: Array<{ orderId: string; amount: number }> = [];

  availableCredit(): number {
    return this.reservations.reduce((available, held) => available - held.amount, this.creditLimit);
  }

  @CommandHandler(CreateCustomer) create(command: CreateCustomer) {
    return new CustomerCreated(command.name, command.creditLimit);
  }
  @CommandHandler(ReserveCredit) reserve(command: ReserveCredit) {
    if (this.reservations.some((r) => r.orderId === command.orderId)) return [];
    const available = this.availableCredit();
    if (command.orderTotal > available) return new CustomerCreditLimitExceeded(command.orderId, command.orderTotal, available);
    return new CustomerCreditReserved(command.orderId, command.orderTotal);
  }
  @Apply(CustomerCreated) created(event: CustomerCreated) {
    this.creditLimit = event.creditLimit;
  }
  @Apply(CustomerCreditReserved) reserved(event: CustomerCreditReserved) {
    this.reservations.push({ orderId: event.orderId, amount: event.orderTotal });
  }
  @Apply(CustomerCreditLimitExceeded) limitExceeded() {}
}

@Aggregate('SagaCostOrder')
export class Order {
  customerId = '';
  state: 'PENDING' | 'APPROVED' | 'REJECTED' = 'PENDING';

  @CommandHandler(CreateOrder) create(command: CreateOrder) {
    return new OrderCreated(command.customerId, command.orderTotal);
  }
  @CommandHandler(ApproveOrder) approve() {
    return this.state === 'PENDING' ? new OrderApproved(this.customerId) : [];
  }
  @CommandHandler(RejectOrder) reject(command: RejectOrder) {
    return this.state === 'PENDING' ? new OrderRejected(this.customerId, command.reason) : [];
  }
  @Apply(OrderCreated) created(event: OrderCreated) {
    this.customerId = event.customerId;
  }
  @Apply(OrderApproved) approved() {
    this.state = 'APPROVED';
  }
  @Apply(OrderRejected) rejected() {
    this.state = 'REJECTED';
  }
}

/** The customer's side: hold credit for a new order. */
@EventSubscriber('sagaCostCustomerWorkflow')
export class CustomerWorkflow {
  @EventHandlerMethod(OrderCreated)
  async reserveCredit(ctx: EventContext<OrderCreated>) {
    await ctx.update(Customer, ctx.event.customerId, new ReserveCredit(ctx.aggregateId, ctx.event.orderTotal));
  }
}

/** The order's side: approve or reject on the customer's answer. */
@EventSubscriber('sagaCostOrderWorkflow')
export class OrderWorkflow {
  @EventHandlerMethod(CustomerCreditReserved)
  async approve(ctx: EventContext<CustomerCreditReserved>) {
    await ctx.update(Order, ctx.event.orderId, new ApproveOrder());
  }
  @EventHandlerMethod(CustomerCreditLimitExceeded)
  async reject(ctx: EventContext<CustomerCreditLimitExceeded>) {
    const { orderTotal, availableCredit } = ctx.event;
    await ctx.update(Order, ctx.event.orderId, new RejectOrder(`insufficient credit: order total ${orderTotal}, available ${availableCredit}`));
  }
}
