import { MySqlConfigError } from '../errors';

export interface TableNames {
  readonly prefix: string;
  /** Backtick-quoted names, ready to put in SQL. */
  readonly events: string;
  readonly entities: string;
  readonly snapshots: string;
  readonly receivedEvents: string;
  readonly migrations: string;
  readonly subscriberPositions: string;
  readonly parkedEvents: string;
  readonly rebuildMarks: string;
  /** Tram's `received_messages`: messages each consumer handled, marked in its own transaction. */
  readonly receivedMessages: string;
  readonly sagaInstances: string;
  readonly replays: string;
  /** One row: the publication's high-water mark (every position up to it is published). */
  readonly publication: string;
}

const PREFIX = /^[A-Za-z0-9_]*$/;

/**
 * Table names are the one thing built into SQL text (identifiers cannot be
 * bound as parameters), so the prefix is held to a strict alphabet here.
 */
export function tableNames(prefix = ''): TableNames {
  if (typeof prefix !== 'string' || !PREFIX.test(prefix) || prefix.length > 32) {
    throw new MySqlConfigError(
      `Invalid table prefix ${JSON.stringify(prefix)}: use at most 32 letters, digits and underscores, e.g. 'orders_'.`,
    );
  }
  const quote = (name: string) => `\`${prefix}${name}\``;
  return {
    prefix,
    events: quote('events'),
    entities: quote('entities'),
    snapshots: quote('snapshots'),
    receivedEvents: quote('received_events'),
    migrations: quote('eventloom_migrations'),
    subscriberPositions: quote('subscriber_positions'),
    parkedEvents: quote('parked_events'),
    rebuildMarks: quote('rebuild_marks'),
    receivedMessages: quote('received_messages'),
    sagaInstances: quote('saga_instance'),
    replays: quote('replays'),
    publication: quote('publication'),
  };
}
