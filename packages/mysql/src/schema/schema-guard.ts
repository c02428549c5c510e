import { Pool, RowDataPacket } from 'mysql2/promise';
import { MySqlSchemaMissingError } from '../errors';
import { schemaVersion } from './migrations';
import { TableNames } from './table-names';

/**
 * Checks once, before a store's first query, that the migrations created
 * its tables, so that a schema too old fails with "run eventloom migrate"
 * rather than with "table doesn't exist" in the middle of a delivery.
 */
export class SchemaGuard {
  private checked?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly tables: TableNames,
    /** The schema version that created the store's tables. */
    private readonly since: number,
    /** What needs them, for the message, e.g. 'MySqlDeadLetterStore'. */
    private readonly user: string,
  ) {}

  ensure(): Promise<void> {
    // A failed check is not kept: the next call looks again (e.g. after a migration).
    this.checked ??= this.check().catch((error: unknown) => {
      this.checked = undefined;
      throw error;
    });
    return this.checked;
  }

  private async check(): Promise<void> {
    const version = await schemaVersion(this.pool, this.tables);
    if (version >= this.since) return;
    const [[{ database }]] = await this.pool.query<RowDataPacket[]>('SELECT DATABASE() AS `database`');
    throw new MySqlSchemaMissingError(
      String(database ?? ''),
      this.tables.prefix,
      version === 0 ? 'its tables do not exist' : `it is at version ${version}, and ${this.user} needs version ${this.since}`,
    );
  }
}
