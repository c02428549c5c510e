import { TableNames } from '../schema/table-names';
import { MySqlConfigError } from '../errors';

/**
 * The publication's high-water mark: every position up to it was accepted by
 * the sink. One row (id 1) in its own table, moved by the leader after each
 * acknowledged batch: a single-row update instead of a flag set on every
 * event row (schema version 7; the events' `published` column is no longer
 * written). An event is published when its position is at most this one.
 */
export function publishedPositionQuery(tables: Pick<TableNames, 'publication'>): string {
  return `SELECT published_position FROM ${tables.publication} WHERE id = 1`;
}

/** The value read by publishedPositionQuery; its row is made by the migration, so a missing one means an old schema. */
export function publishedPositionOf(value: unknown, tables: Pick<TableNames, 'publication'>): number {
  if (value === null || value === undefined) {
    throw new MySqlConfigError(`${tables.publication} has no published position (row id 1): run the migrations (schema version 7 or later).`);
  }
  return Number(value);
}
