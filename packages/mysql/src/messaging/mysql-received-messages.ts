import { PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { ReceivedMessages } from '@eventloom/core/spi';
import { TableNames } from '../schema/table-names';

/** Tram's received_messages: a row per consumer and message, inserted in the handler's transaction. */
export class MySqlReceivedMessages implements ReceivedMessages<PoolConnection> {
  constructor(private readonly tables: TableNames) {}

  async markReceived(tx: PoolConnection, consumerId: string, messageId: string): Promise<boolean> {
    // A concurrent insert of the same key waits for the other transaction: then it is a duplicate, or ours.
    const [result] = await tx.query<ResultSetHeader>(`INSERT IGNORE INTO ${this.tables.receivedMessages} (consumer_id, message_id) VALUES (?, ?)`, [consumerId, messageId]);
    return result.affectedRows === 1;
  }
}
