import { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { DuplicateSagaError, SagaStatus } from '@eventloom/core';
import { errorCode } from '../connection';
import { SagaInstance, SagaInstanceStore } from '@eventloom/core/spi';
import { toDate } from '../event-rows';
import { TableNames } from '../schema/table-names';
import { SchemaGuard } from '../schema/schema-guard';

const COLUMNS = 'saga_type, saga_id, status, saga_data_json, step, compensating, request_id, attempt, deadline, reason, version, created_at, updated_at';

/** Saga instances in the `saga_instance` table, locked with SELECT ... FOR UPDATE while a transition runs. */
export class MySqlSagaInstances implements SagaInstanceStore<PoolConnection> {
  constructor(
    private readonly pool: Pool,
    private readonly tables: TableNames,
    /** Checked by the reads on the pool; what runs in a transaction is checked before it (MySqlTransactions). */
    private readonly schema: SchemaGuard,
  ) {}

  async insert(tx: PoolConnection, i: SagaInstance): Promise<void> {
    try {
      await tx.query(`INSERT INTO ${this.tables.sagaInstances} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, values(i));
    } catch (error) {
      // The primary key is (saga_type, saga_id): the only duplicate this insert can meet.
      if (errorCode(error) === 'ER_DUP_ENTRY') throw new DuplicateSagaError(i.sagaType, i.sagaId, { cause: error });
      throw error;
    }
  }

  async lock(tx: PoolConnection, sagaType: string, sagaId: string): Promise<SagaInstance | undefined> {
    const [rows] = await tx.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM ${this.tables.sagaInstances} WHERE saga_type = ? AND saga_id = ? FOR UPDATE`, [sagaType, sagaId]);
    return rows[0] && fromRow(rows[0]);
  }

  async update(tx: PoolConnection, i: SagaInstance): Promise<void> {
    await tx.query(
      `UPDATE ${this.tables.sagaInstances} SET status = ?, saga_data_json = ?, step = ?, compensating = ?, request_id = ?, attempt = ?, deadline = ?, reason = ?, version = ?, updated_at = ?
        WHERE saga_type = ? AND saga_id = ?`,
      [i.status, i.data, i.step, i.compensating ? 1 : 0, i.requestId ?? null, i.attempt, i.deadline ?? null, i.reason ?? null, i.version, i.updatedAt, i.sagaType, i.sagaId],
    );
  }

  async find(sagaType: string, sagaId: string): Promise<SagaInstance | undefined> {
    await this.schema.ensure();
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${COLUMNS} FROM ${this.tables.sagaInstances} WHERE saga_type = ? AND saga_id = ?`, [sagaType, sagaId]);
    return rows[0] && fromRow(rows[0]);
  }

  async list(sagaType: string, status?: SagaStatus): Promise<SagaInstance[]> {
    await this.schema.ensure();
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${COLUMNS} FROM ${this.tables.sagaInstances} WHERE saga_type = ?${status ? ' AND status = ?' : ''} ORDER BY created_at, saga_id`,
      status ? [sagaType, status] : [sagaType],
    );
    return rows.map(fromRow);
  }

  async due(sagaType: string, now: Date, limit: number): Promise<string[]> {
    await this.schema.ensure();
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT saga_id FROM ${this.tables.sagaInstances} WHERE saga_type = ? AND status = 'RUNNING' AND deadline <= ? ORDER BY deadline LIMIT ?`,
      [sagaType, now, limit],
    );
    return rows.map((r) => String(r.saga_id));
  }
}

function values(i: SagaInstance): unknown[] {
  return [i.sagaType, i.sagaId, i.status, i.data, i.step, i.compensating ? 1 : 0, i.requestId ?? null, i.attempt, i.deadline ?? null, i.reason ?? null, i.version, i.createdAt, i.updatedAt];
}

function fromRow(row: RowDataPacket): SagaInstance {
  return {
    sagaType: String(row.saga_type),
    sagaId: String(row.saga_id),
    status: row.status as SagaStatus,
    data: String(row.saga_data_json),
    step: Number(row.step),
    compensating: Number(row.compensating) === 1,
    requestId: row.request_id ?? undefined,
    attempt: Number(row.attempt),
    deadline: row.deadline === null ? undefined : toDate(row.deadline),
    reason: row.reason ?? undefined,
    version: Number(row.version),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}
