import { Pool, PoolConnection } from 'mysql2/promise';
import { Transactions } from '@eventloom/core/spi';
import { SchemaGuard } from '../schema/schema-guard';

/**
 * Transactions on the service's pool: `tx` is the connection, in a
 * transaction, on which the caller writes its business rows and the outbox,
 * received-message marks and saga instances are written with them.
 */
export class MySqlTransactions implements Transactions<PoolConnection> {
  constructor(
    private readonly pool: Pool,
    private readonly schema?: SchemaGuard,
  ) {}

  async run<T>(work: (tx: PoolConnection) => Promise<T>): Promise<T> {
    // Before taking a connection: a check inside the transaction would need a second one, and a busy pool has none.
    await this.schema?.ensure();
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
