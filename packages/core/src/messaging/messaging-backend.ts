import { Message } from './message';

/**
 * Runs work in one transaction of the service's own database: every write
 * made with `tx` (business rows, outbox messages, received-message marks,
 * saga instances) commits together or not at all.
 */
export interface Transactions<Tx> {
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

/** Where the outbox writes: a table in the service's database (Tram's `message`), published by the sequencer. */
export interface OutboxStore<Tx> {
  /** Writes messages in `tx`; they are published once, and only if, `tx` commits, in the order given. */
  append(tx: Tx, messages: readonly Message[]): Promise<void>;
}

/** Tram's `received_messages`: which messages a consumer has handled, recorded in the handler's own transaction. */
export interface ReceivedMessages<Tx> {
  /**
   * Records that `consumerId` handles `messageId` in `tx`; false when it was
   * already handled (committed), so the caller does nothing. Concurrent calls
   * for one message wait for each other: only one can return true.
   */
  markReceived(tx: Tx, consumerId: string, messageId: string): Promise<boolean>;
}
