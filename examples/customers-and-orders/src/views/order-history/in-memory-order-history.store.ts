import { OrderState } from '../../orders/order.aggregate';
import { CustomerHistory, OrderHistoryStore, OrderSummary, ViewChangeSource } from './order-history.store';

interface CustomerRow {
  name?: string;
  creditLimit?: number;
  orderIds: string[];
}

/** The order-history view in process memory, for the embedded runtime. */
export class InMemoryOrderHistoryStore implements OrderHistoryStore {
  private readonly customers = new Map<string, CustomerRow>();
  private readonly orders = new Map<string, OrderSummary>();
  private readonly handled = new Set<string>();

  async customerCreated(source: ViewChangeSource, customerId: string, name: string, creditLimit: number): Promise<void> {
    this.once(source, () => {
      const row = this.customer(customerId);
      row.name = name;
      row.creditLimit = creditLimit;
    });
  }

  async orderCreated(source: ViewChangeSource, orderId: string, customerId: string, orderTotal: number): Promise<void> {
    this.once(source, () => {
      this.orders.set(orderId, { orderId, orderTotal: { amount: orderTotal }, state: 'PENDING' });
      this.customer(customerId).orderIds.push(orderId);
    });
  }

  async orderStateChanged(source: ViewChangeSource, orderId: string, state: OrderState, rejectionReason?: string): Promise<void> {
    this.once(source, () => {
      const order = this.orders.get(orderId);
      // Events of one order arrive in order, so OrderCreated came first.
      if (!order) throw new Error(`order-history view: order ${orderId} changed state before it was created`);
      order.state = state;
      if (rejectionReason) order.rejectionReason = rejectionReason;
    });
  }

  async find(customerId: string): Promise<CustomerHistory | undefined> {
    const row = this.customers.get(customerId);
    if (!row || row.name === undefined) return undefined;
    return {
      customerId,
      name: row.name,
      creditLimit: { amount: row.creditLimit! },
      orders: row.orderIds.map((id) => ({ ...this.orders.get(id)! })),
    };
  }

  private customer(customerId: string): CustomerRow {
    let row = this.customers.get(customerId);
    if (!row) this.customers.set(customerId, (row = { orderIds: [] }));
    return row;
  }

  private once(source: ViewChangeSource, change: () => void): void {
    const key = `${source.subscriberId}\u0000${source.eventId}`;
    if (this.handled.has(key)) return;
    change();
    this.handled.add(key);
  }
}
