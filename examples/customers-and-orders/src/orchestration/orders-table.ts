import { OrderState } from '../orders/order.aggregate';

/** An order as the orchestrated order service keeps it: a row of a plain table, no event sourcing. */
export interface OrderRow {
  readonly orderId: string;
  readonly customerId: string;
  readonly orderTotal: number;
  readonly state: OrderState;
  readonly rejectionReason?: string;
}

/**
 * The `orders` table, written in the service's transactions (`Tx`: the one
 * its outbox messages and saga instances are written in), in memory when
 * embedded and in MySQL otherwise.
 */
export interface OrdersTable<Tx> {
  /** The committed row, outside any transaction. */
  find(orderId: string): Promise<OrderRow | undefined>;
  /** Reads a row and locks it until `tx` ends. */
  lock(tx: Tx, orderId: string): Promise<OrderRow | undefined>;
  /** Inserts the row, or overwrites the one with its id. */
  put(tx: Tx, row: OrderRow): Promise<void>;
}
