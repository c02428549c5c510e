import { IHeaders } from 'kafkajs';

/** Eventloom's headers on a published message; the value holds the rest (Eventuate Local's PublishedEvent). Eventuate's writers send none. */
export const Headers = {
  eventType: 'eventloom-event-type',
  version: 'eventloom-version',
  position: 'eventloom-position',
  timestamp: 'eventloom-timestamp',
  triggeringEvent: 'eventloom-triggering-event',
  /** Our aggregate type, sent only when the value's entityType is its wire name. */
  aggregateType: 'eventloom-aggregate-type',
  /** The metadata fields that are not strings, as JSON, sent only when there are some (see wire-metadata). */
  typedMetadata: 'eventloom-metadata-typed',
} as const;

/**
 * W3C trace context, under the names OpenTelemetry's Kafka instrumentations
 * read: a copy of the event's metadata fields of the same names (metadata is
 * where Eventloom reads them from; a writer that sends only headers is read too).
 */
export const TraceHeaders = ['traceparent', 'tracestate'] as const;

/** A header as text, whichever form kafkajs hands it in. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}
