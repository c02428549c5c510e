import { Money } from '../shared/money';

export class CreateCustomer {
  constructor(
    readonly name: string,
    readonly creditLimit: Money,
  ) {}
}

export class ReserveCredit {
  constructor(
    readonly orderId: string,
    readonly orderTotal: Money,
  ) {}
}

export class ReleaseCredit {
  constructor(readonly orderId: string) {}
}
