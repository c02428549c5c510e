import { InMemoryTable, InMemoryTransaction } from '@eventloom/in-memory';
import { OrderRow, OrdersTable } from './orders-table';

/** The `orders` table of the embedded run. */
export class InMemoryOrdersTable implements OrdersTable<InMemoryTransaction> {
  private readonly rows = new InMemoryTable<OrderRow>();

  async find(orderId: string): Promise<OrderRow | undefined> {
    return this.rows.get(orderId);
  }

  lock(tx: InMemoryTransaction, orderId: string): Promise<OrderRow | undefined> {
    return this.rows.lock(tx, orderId);
  }

  async put(tx: InMemoryTransaction, row: OrderRow): Promise<void> {
    this.rows.put(tx, row.orderId, row);
  }
}
