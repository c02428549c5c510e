import { Money } from '../shared/money';

export class CreateOrder {
  constructor(
    readonly customerId: string,
    readonly orderTotal: Money,
  ) {}
}

export class ApproveOrder {}

export class RejectOrder {
  constructor(readonly reason: string) {}
}

export class CancelOrder {}
