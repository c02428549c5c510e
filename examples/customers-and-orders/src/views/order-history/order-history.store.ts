import { OrderState } from '../../orders/order.aggregate';

export interface OrderSummary {
  orderId: string;
  orderTotal: { amount: number };
  state: OrderState;
  rejectionReason?: string;
}

export interface CustomerHistory {
  customerId: string;
  name: string;
  creditLimit: { amount: number };
  orders: OrderSummary[];
}

/** The event a view change comes from: a change is made once per subscriber and event. */
export interface ViewChangeSource {
  readonly subscriberId: string;
  readonly eventId: string;
}

/**
 * Where the order-history view lives. Every change names the event it comes
 * from, so a redelivered event changes nothing.
 */
export interface OrderHistoryStore {
  customerCreated(source: ViewChangeSource, customerId: string, name: string, creditLimit: number): Promise<void>;
  orderCreated(source: ViewChangeSource, orderId: string, customerId: string, orderTotal: number): Promise<void>;
  orderStateChanged(source: ViewChangeSource, orderId: string, state: OrderState, rejectionReason?: string): Promise<void>;
  /** Undefined until the customer's CustomerCreated has been seen. */
  find(customerId: string): Promise<CustomerHistory | undefined>;
}
