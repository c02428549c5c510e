import { InMemoryTable, InMemoryTransaction } from '@eventloom/in-memory';
import { OrderState } from '../orders/order.aggregate';

/** An order as the orchestrated order service keeps it: a row of a plain table, no event sourcing. */
export interface OrderRow {
  readonly orderId: string;
  readonly customerId: string;
  readonly orderTotal: number;
  readonly state: OrderState;
  readonly rejectionReason?: string;
}

/** The `orders` table, written in the service's transactions (in memory when embedded). */
export class OrdersTable {
  private readonly rows = new InMemoryTable<OrderRow>();

  find(orderId: string): OrderRow | undefined {
    return this.rows.get(orderId);
  }

  /** Reads a row and locks it until `tx` ends. */
  lock(tx: InMemoryTransaction, orderId: string): Promise<OrderRow | undefined> {
    return this.rows.lock(tx, orderId);
  }

  put(tx: InMemoryTransaction, row: OrderRow): void {
    this.rows.put(tx, row.orderId, row);
  }
}
