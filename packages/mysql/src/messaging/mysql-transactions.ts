import { Pool, PoolConnection } from 'mysql2/promise';
import { Transactions } from '@eventloom/core/spi';

/**
 * Transactions on the service's pool: `tx` is the connection, in a
 * transaction, on which the caller writes its business rows and the outbox,
 * received-message marks and saga instances are written with them.
 */
export class MySqlTransactions implements Transactions<PoolConnection> {
  constructor(private readonly pool: Pool) {}

  async run<T>(work: (tx: PoolConnection) => Promise<T>): Promise<T> {
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
