export type SagaStatus = 'RUNNING' | 'COMPLETED' | 'COMPENSATED' | 'FAILED';

/**
 * A saga instance as it is persisted: where it stands and its data. Every
 * change is written in the same transaction as the commands it sends, so a
 * process killed at any point resumes from the last committed state.
 */
export interface SagaInstance {
  readonly sagaType: string;
  readonly sagaId: string;
  readonly status: SagaStatus;
  /** The saga's data, JSON. */
  readonly data: string;
  /** The step being run or compensated (0-based). */
  readonly step: number;
  readonly compensating: boolean;
  /** The command whose reply the saga awaits (its `command_saga_request_id`); none while waiting to retry. */
  readonly requestId?: string;
  /** Which try of the current compensation this is, from 1. */
  readonly attempt: number;
  /** When the awaited reply times out, or a failed compensation is tried again; durable, fires once. */
  readonly deadline?: Date;
  /** Why the saga compensates, or why it ended FAILED. */
  readonly reason?: string;
  /** Grows with every change: a change decided on an older version is refused. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Where a back end keeps saga instances (a `saga_instance` table in MySQL). */
export interface SagaInstanceStore<Tx> {
  insert(tx: Tx, instance: SagaInstance): Promise<void>;
  /** Reads an instance and locks it until `tx` ends (SELECT ... FOR UPDATE). */
  lock(tx: Tx, sagaType: string, sagaId: string): Promise<SagaInstance | undefined>;
  /** Writes a locked instance back. */
  update(tx: Tx, instance: SagaInstance): Promise<void>;
  find(sagaType: string, sagaId: string): Promise<SagaInstance | undefined>;
  list(sagaType: string, status?: SagaStatus): Promise<SagaInstance[]>;
  /** Ids of running instances whose deadline is at or before `now`, earliest first. */
  due(sagaType: string, now: Date, limit: number): Promise<string[]>;
}
