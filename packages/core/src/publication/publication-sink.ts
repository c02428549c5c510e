import { StoredEvent } from '../typing/stored-event';

/** A stored event the sequencer has given its gap-free global position. */
export interface SequencedEvent extends StoredEvent {
  readonly position: number;
  /**
   * The metadata as the store holds it (JSON text), when the store has it at
   * hand: a sink that sends metadata as text forwards it as is instead of
   * stringifying `metadata` again.
   */
  readonly metadataJson?: string;
}

/**
 * Where a publisher sends the events it sequenced: a broker (Kafka), or
 * nowhere at all for in-process delivery by position. The publisher marks a
 * batch published only once `send` resolved, and resends from the first
 * unmarked position after a crash, so a sink must tolerate repeats (under
 * the same positions).
 */
export interface PublicationSink<E extends SequencedEvent = SequencedEvent> {
  /** Connects; called once, before the first send. A failure fails the publisher's start. */
  start(): Promise<void>;
  /** Resolves once the batch (in position order) is durably accepted, e.g. acknowledged by Kafka. */
  send(events: readonly E[]): Promise<void>;
  /** Disconnects; called once, after the last send. */
  stop(): Promise<void>;
}
