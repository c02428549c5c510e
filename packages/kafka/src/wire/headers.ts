import { IHeaders } from 'kafkajs';

/** Headers on every published message; the value holds the rest (Eventuate Local's PublishedEvent). */
export const Headers = {
  eventType: 'eventloom-event-type',
  version: 'eventloom-version',
  position: 'eventloom-position',
  timestamp: 'eventloom-timestamp',
  triggeringEvent: 'eventloom-triggering-event',
} as const;

/** A header as text, whichever form kafkajs hands it in. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}
