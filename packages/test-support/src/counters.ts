import { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';

/**
 * A "plain table" of counters for messaging tests on MySQL (the business
 * table a command handler or saga step writes in its transaction): created
 * in the test's database, read in a transaction (locking the row) or on the pool.
 */
export async function mysqlCounters(pool: Pool) {
  await pool.query('CREATE TABLE IF NOT EXISTS counters (counter_key VARCHAR(255) PRIMARY KEY, n INT NOT NULL)');
  return {
    add: async (tx: PoolConnection, key: string, n: number): Promise<void> => {
      await tx.query('INSERT INTO counters (counter_key, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = n + VALUES(n)', [key, n]);
    },
    read: async (key: string, tx?: PoolConnection): Promise<number> => {
      const [rows] = tx
        ? await tx.query<RowDataPacket[]>('SELECT n FROM counters WHERE counter_key = ? FOR UPDATE', [key])
        : await pool.query<RowDataPacket[]>('SELECT n FROM counters WHERE counter_key = ?', [key]);
      return rows[0] ? Number(rows[0].n) : 0;
    },
  };
}
