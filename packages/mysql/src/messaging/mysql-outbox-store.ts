import { PoolConnection } from 'mysql2/promise';
import { Message } from '@eventloom/core';
import { messageToEvent, OutboxStore } from '@eventloom/core/spi';
import { chunkRows, EVENT_PLACEHOLDERS, eventValues, INSERT_EVENT_COLUMNS, OUTBOX_MESSAGE_VERSION } from '../event-rows';
import { TableNames } from '../schema/table-names';

const STATEMENT_BYTES = 4 * 1024 * 1024;

/**
 * The outbox in MySQL: messages are inserted, in the caller's transaction,
 * as rows of the events table (entity_version 0, see OUTBOX_MESSAGE_VERSION),
 * so the publisher that sequences events sequences them too, in the same
 * positions, and delivers them to the in-process transport or to Kafka.
 */
export class MySqlOutboxStore implements OutboxStore<PoolConnection> {
  constructor(
    private readonly tables: TableNames,
    private readonly maxMessageBytes = 1024 * 1024,
  ) {}

  async append(tx: PoolConnection, messages: readonly Message[]): Promise<void> {
    const now = new Date();
    const rows = messages.map((message) =>
      eventValues({ ...messageToEvent(message, now, OUTBOX_MESSAGE_VERSION), aggregateId: message.id }, this.maxMessageBytes),
    );
    for (const chunk of chunkRows(rows, STATEMENT_BYTES)) {
      // A message written again under its id (a reply rewritten after a crash, a resend with a stable id) is the same message: kept once.
      await tx.query(`INSERT IGNORE INTO ${this.tables.events} ${INSERT_EVENT_COLUMNS} VALUES ${chunk.map(() => EVENT_PLACEHOLDERS).join(', ')}`, chunk.flatMap((r) => r.values));
    }
  }
}
