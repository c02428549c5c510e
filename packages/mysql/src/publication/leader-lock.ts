import { createHash } from 'node:crypto';
import { Connection, RowDataPacket } from 'mysql2/promise';

/**
 * The publisher's leadership: a MySQL named lock (GET_LOCK) held by one
 * dedicated connection. MySQL releases it the moment that connection ends
 * (process killed, connection killed, network gone once the server notices),
 * so another instance's next try takes over. Everything the leader writes
 * goes through this same connection: a leader whose connection died cannot
 * write a thing, which fences a stale leader out without further ceremony.
 */
export class LeaderLock {
  private connection?: Connection;
  private held = false;
  private lockName?: string;

  constructor(
    private readonly open: () => Promise<Connection>,
    private readonly tablePrefix: string,
  ) {}

  /** The lock's name: `<database>.<prefix>eventloom_publisher` (hashed if over 64 characters). */
  get name(): string | undefined {
    return this.lockName;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /**
   * Tries to take the lock, waiting up to `waitSeconds` for it. Returns the
   * connection that holds it (to run the leader's statements on), or
   * undefined when another instance has it.
   */
  async acquire(waitSeconds: number): Promise<Connection | undefined> {
    if (this.held && this.connection) return this.connection;
    try {
      if (!this.connection) {
        this.connection = await this.open();
        this.lockName = await lockNameFor(this.connection, this.tablePrefix);
      }
      const [rows] = await this.connection.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [this.lockName, waitSeconds]);
      this.held = Number(rows[0].got) === 1;
      return this.held ? this.connection : undefined;
    } catch (error) {
      this.drop();
      throw error;
    }
  }

  /** True if this connection still holds the lock. */
  async verify(): Promise<boolean> {
    if (!this.connection || !this.held) return false;
    const [rows] = await this.connection.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [this.lockName]);
    return Number(rows[0].mine) === 1;
  }

  /** Gives the lock back and closes the connection. */
  async release(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    try {
      if (this.held) await connection.query('SELECT RELEASE_LOCK(?)', [this.lockName]);
    } catch {
      // The connection is gone already, and the lock with it.
    } finally {
      // destroy, not end: a connection borrowed from the caller's pool must not go back to it.
      connection.destroy();
      this.connection = undefined;
      this.held = false;
    }
  }

  /** Forgets the connection at once (MySQL then frees the lock if it was held). */
  drop(): void {
    this.connection?.destroy();
    this.connection = undefined;
    this.held = false;
  }
}

/**
 * True when some connection (any instance's) holds the publisher lock of the
 * database `sql` reads, for readiness: asks MySQL, so it also sees another
 * process's leader.
 */
export async function publisherLockHeld(sql: Pick<Connection, 'query'>, tablePrefix: string): Promise<boolean> {
  const [rows] = await sql.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) IS NOT NULL AS held', [await lockNameFor(sql, tablePrefix)]);
  return Number(rows[0].held) === 1;
}

/** The publisher lock's name in the connection's database (also what `publisherLeader` asks about). */
export async function lockNameFor(connection: Pick<Connection, 'query'>, tablePrefix: string): Promise<string> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT DATABASE() AS db');
  const name = `${rows[0].db ?? ''}.${tablePrefix}eventloom_publisher`;
  return name.length <= 64 ? name : `eventloom_publisher.${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
}
