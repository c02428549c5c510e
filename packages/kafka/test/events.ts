import { Pool } from 'mysql2/promise';
import { newId } from '@eventloom/core/spi';

export interface TestEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly data: Record<string, unknown>;
  /** The stored JSON text, when it must be exactly this (say, integers beyond 2^53); default JSON.stringify(data). */
  readonly eventData?: string;
}

/**
 * Events of `aggregates` aggregates, `perAggregate` each, interleaved the way
 * concurrent writers would store them (round robin over the aggregates).
 */
export function interleavedEvents(aggregateType: string, aggregates: number, perAggregate: number, eventType = 'CounterAdded'): TestEvent[] {
  const events: TestEvent[] = [];
  for (let v = 1; v <= perAggregate; v++) {
    for (let a = 0; a < aggregates; a++) {
      events.push({ eventId: newId(), eventType, aggregateType, aggregateId: `agg-${a}`, version: v, data: { amount: v, aggregate: a } });
    }
  }
  return events;
}

/** Inserts events straight into the events table, many rows per statement (fast backlogs). */
export async function insertEvents(pool: Pool, events: readonly TestEvent[], prefix = ''): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    const chunk = events.slice(i, i + 1000);
    const now = new Date();
    await pool.query(
      `INSERT INTO \`${prefix}events\` (event_id, event_type, event_data, entity_type, entity_id, entity_version, metadata, created_at) VALUES ?`,
      [
        chunk.map((e) => [
          e.eventId,
          e.eventType,
          e.eventData ?? JSON.stringify(e.data),
          e.aggregateType,
          e.aggregateId,
          e.version,
          JSON.stringify({ correlationId: e.eventId, schemaVersion: 1 }),
          now,
        ]),
      ],
    );
  }
}
