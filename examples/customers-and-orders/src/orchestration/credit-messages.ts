import { Command, Replies, Reply, Type } from '@eventloom/core';
import { Money } from '../shared/money';

/** What the order service's sagas ask of the customer service, as messages on its channel. */
export const CUSTOMER_SERVICE = 'customerService';

@Reply('CustomerCreditReservedReply')
export class CreditReservedReply {}

@Reply('CustomerCreditLimitExceededReply')
export class CreditLimitExceededReply {
  @Type(() => Money) readonly availableCredit: Money;
  constructor(availableCredit: Money) {
    this.availableCredit = availableCredit;
  }
}

@Command('ReserveCreditCommand')
export class ReserveCreditCommand {
  declare readonly replies?: Replies<CreditReservedReply, CreditLimitExceededReply>;
  @Type(() => Money) readonly orderTotal: Money;
  constructor(
    readonly customerId: string,
    readonly orderId: string,
    orderTotal: Money,
  ) {
    this.orderTotal = orderTotal;
  }
}

@Reply('CustomerCreditReleasedReply')
export class CreditReleasedReply {}

@Command('ReleaseCreditCommand')
export class ReleaseCreditCommand {
  declare readonly replies?: Replies<CreditReleasedReply>;
  constructor(
    readonly customerId: string,
    readonly orderId: string,
  ) {}
}
