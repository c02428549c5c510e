import { Pool, PoolConnection } from 'mysql2/promise';
import { Transactions } from '@eventloom/core/spi';
import { SchemaGuard } from '../schema/schema-guard';
import { ConnectionPermits } from './connection-permits';

/**
 * Transactions on the service's pool: `tx` is the connection, in a
 * transaction, on which the caller writes its business rows and the outbox,
 * received-message marks and saga instances are written with them.
 *
 * Work inside a transaction may need a second connection of the same pool: a
 * command handler's `ctx.update` loads and appends its aggregate through the
 * event store. Were every connection held by such a transaction, each would
 * wait for another forever, so at most half the pool (at least one) is held
 * by transactions at a time; the rest stays free for the work inside them.
 */
export class MySqlTransactions implements Transactions<PoolConnection> {
  private readonly permits: ConnectionPermits;

  constructor(
    private readonly pool: Pool,
    private readonly schema?: SchemaGuard,
  ) {
    this.permits = new ConnectionPermits(Math.max(1, Math.floor(poolSizeOf(pool) / 2)));
  }

  async run<T>(work: (tx: PoolConnection) => Promise<T>): Promise<T> {
    // Before taking a connection: a check inside the transaction would need a second one, and a busy pool has none.
    await this.schema?.ensure();
    await this.permits.acquire();
    try {
      return await this.inTransaction(work);
    } finally {
      this.permits.release();
    }
  }

  private async inTransaction<T>(work: (tx: PoolConnection) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      let result: T;
      try {
        result = await work(connection);
        await connection.commit();
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      }
      return result;
    } finally {
      connection.release();
    }
  }
}

/** mysql2's promise pool keeps its settings on the callback pool it wraps. */
function poolSizeOf(pool: Pool): number {
  const limit = (pool as unknown as { pool?: { config?: { connectionLimit?: number } } }).pool?.config?.connectionLimit;
  return typeof limit === 'number' && limit > 0 ? limit : 10;
}
