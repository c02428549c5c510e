import { Aggregate, Apply, CommandHandler, Type } from '@eventloom/core';
import { Money } from '../shared/money';
import { CreateCustomer, ReleaseCredit, ReserveCredit } from './customer.commands';
import { CustomerCreated, CustomerCreditLimitExceeded, CustomerCreditReleased, CustomerCreditReserved } from './customer.events';

/** Credit held for one order. */
export class CreditReservation {
  @Type(() => Money) readonly amount: Money;
  constructor(
    readonly orderId: string,
    amount: Money,
  ) {
    this.amount = amount;
  }
}

@Aggregate('Customer')
export class Customer {
  name = '';
  @Type(() => Money) creditLimit = Money.zero();
  @Type(() => CreditReservation) reservations: CreditReservation[] = [];
  /** Orders whose credit was released: a reservation that arrives late must not hold credit again. */
  releasedOrders: string[] = [];

  availableCredit(): Money {
    return this.reservations.reduce((available, held) => available.subtract(held.amount), this.creditLimit);
  }

  private reservationFor(orderId: string): CreditReservation | undefined {
    return this.reservations.find((r) => r.orderId === orderId);
  }

  @CommandHandler(CreateCustomer)
  create(command: CreateCustomer) {
    return new CustomerCreated(command.name, command.creditLimit);
  }

  @CommandHandler(ReserveCredit)
  reserve(command: ReserveCredit) {
    if (this.reservationFor(command.orderId) || this.releasedOrders.includes(command.orderId)) return [];
    const available = this.availableCredit();
    if (command.orderTotal.isGreaterThan(available)) {
      return new CustomerCreditLimitExceeded(command.orderId, command.orderTotal, available);
    }
    return new CustomerCreditReserved(command.orderId, command.orderTotal);
  }

  @CommandHandler(ReleaseCredit)
  release(command: ReleaseCredit) {
    if (this.releasedOrders.includes(command.orderId)) return [];
    return new CustomerCreditReleased(command.orderId, this.reservationFor(command.orderId)?.amount ?? Money.zero());
  }

  @Apply(CustomerCreated)
  created(event: CustomerCreated) {
    this.name = event.name;
    this.creditLimit = event.creditLimit;
  }

  @Apply(CustomerCreditReserved)
  reserved(event: CustomerCreditReserved) {
    this.reservations.push(new CreditReservation(event.orderId, event.orderTotal));
  }

  @Apply(CustomerCreditLimitExceeded)
  limitExceeded(_event: CustomerCreditLimitExceeded) {
    // Nothing is held: the order will be rejected.
  }

  @Apply(CustomerCreditReleased)
  released(event: CustomerCreditReleased) {
    this.reservations = this.reservations.filter((r) => r.orderId !== event.orderId);
    this.releasedOrders.push(event.orderId);
  }
}
