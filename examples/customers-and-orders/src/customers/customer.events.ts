import { Event, Type } from '@eventloom/core';
import { Money } from '../shared/money';

@Event('CustomerCreated', { aggregateType: 'Customer', wireName: 'dev.eventloom.examples.customersandorders.customers.CustomerCreatedEvent' })
export class CustomerCreated {
  @Type(() => Money) readonly creditLimit: Money;
  constructor(
    readonly name: string,
    creditLimit: Money,
  ) {
    this.creditLimit = creditLimit;
  }
}

@Event('CustomerCreditReserved', { aggregateType: 'Customer', wireName: 'dev.eventloom.examples.customersandorders.customers.CustomerCreditReservedEvent' })
export class CustomerCreditReserved {
  @Type(() => Money) readonly orderTotal: Money;
  constructor(
    readonly orderId: string,
    orderTotal: Money,
  ) {
    this.orderTotal = orderTotal;
  }
}

@Event('CustomerCreditLimitExceeded', { aggregateType: 'Customer', wireName: 'dev.eventloom.examples.customersandorders.customers.CustomerCreditLimitExceededEvent' })
export class CustomerCreditLimitExceeded {
  @Type(() => Money) readonly orderTotal: Money;
  @Type(() => Money) readonly availableCredit: Money;
  constructor(
    readonly orderId: string,
    orderTotal: Money,
    availableCredit: Money,
  ) {
    this.orderTotal = orderTotal;
    this.availableCredit = availableCredit;
  }
}

@Event('CustomerCreditReleased', { aggregateType: 'Customer', wireName: 'dev.eventloom.examples.customersandorders.customers.CustomerCreditReleasedEvent' })
export class CustomerCreditReleased {
  @Type(() => Money) readonly amount: Money;
  constructor(
    readonly orderId: string,
    amount: Money,
  ) {
    this.amount = amount;
  }
}
