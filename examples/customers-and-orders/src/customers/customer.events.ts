import { Event, Type } from '@eventloom/core';
import { Money } from '../shared/money';

@Event('CustomerCreated', { aggregateType: 'Customer' })
export class CustomerCreated {
  @Type(() => Money) readonly creditLimit: Money;
  constructor(
    readonly name: string,
    creditLimit: Money,
  ) {
    this.creditLimit = creditLimit;
  }
}

@Event('CustomerCreditReserved', { aggregateType: 'Customer' })
export class CustomerCreditReserved {
  @Type(() => Money) readonly orderTotal: Money;
  constructor(
    readonly orderId: string,
    orderTotal: Money,
  ) {
    this.orderTotal = orderTotal;
  }
}

@Event('CustomerCreditLimitExceeded', { aggregateType: 'Customer' })
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

@Event('CustomerCreditReleased', { aggregateType: 'Customer' })
export class CustomerCreditReleased {
  @Type(() => Money) readonly amount: Money;
  constructor(
    readonly orderId: string,
    amount: Money,
  ) {
    this.amount = amount;
  }
}
