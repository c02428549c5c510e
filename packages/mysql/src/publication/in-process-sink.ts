import { PublicationSink, SequencedEvent } from '@eventloom/core/spi';

/**
 * A sink that accepts every batch at once: events are sequenced and marked
 * published immediately, with no broker. Subscribers in this process read
 * them by position (MySqlPublicationLog + PublicationLogTransport).
 */
export function inProcessSink(): PublicationSink<SequencedEvent> {
  return {
    start: async () => {},
    send: async () => {},
    stop: async () => {},
  };
}
