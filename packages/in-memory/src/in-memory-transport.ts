import { Logger } from '@eventloom/core';
import { CheckpointStore, InMemoryCheckpointStore, PublicationLogTransport } from '@eventloom/core/spi';
import { InMemoryEventStore } from './in-memory-event-store';

export interface InMemoryTransportOptions {
  /** Where subscribers' positions are kept (default: in this transport, so a re-subscribe resumes). */
  readonly checkpoints?: CheckpointStore;
  readonly logger?: Logger;
}

/**
 * Delivers the in-memory store's log to subscribers in process: the core's
 * PublicationLogTransport over the store, woken by every append instead of
 * polling. Each subscription resumes from its subscriber id's position, runs
 * aggregates concurrently and each aggregate in order, so a handler that is
 * retrying holds up only its own aggregate.
 */
export class InMemoryTransport extends PublicationLogTransport {
  constructor(store: InMemoryEventStore, options: InMemoryTransportOptions = {}) {
    super({
      log: store,
      checkpoints: options.checkpoints ?? new InMemoryCheckpointStore(),
      // Saving a position in memory costs nothing: keep it exact.
      checkpointIntervalMs: 0,
      logger: options.logger,
    });
  }
}
