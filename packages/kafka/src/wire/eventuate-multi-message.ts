/**
 * Eventuate's batched record format (eventuate-messaging-kafka's
 * EventuateKafkaMultiMessageConverter): several messages, each with a key, a
 * value and headers, in one Kafka record, which the Eventuate CDC sends when
 * batching is on. It is Simple Binary Encoding, little-endian:
 *
 *   magic:        the 32 ASCII bytes of "a8c79db675e14c4cbf1eb77d0d6d0f00"
 *   blockLength, templateId, schemaId, version: uint16 each
 *   headers group: blockLength uint16, count uint16, then per header: key, value
 *   messages group: blockLength uint16, count uint16, then per message:
 *     headers group (as above), key, value
 *
 * where every key and value is a uint32 length and that many UTF-8 bytes.
 * A record that does not start with the magic is one plain message.
 */
export const MULTI_MESSAGE_MAGIC = Buffer.from('a8c79db675e14c4cbf1eb77d0d6d0f00', 'utf8');

export interface MultiMessagePart {
  readonly key: string;
  readonly value: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

export interface MultiMessage {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly messages: readonly MultiMessagePart[];
}

const TEMPLATE_ID = 1;
const SCHEMA_ID = 1;

export function isMultiMessage(value: Buffer): boolean {
  return value.length >= MULTI_MESSAGE_MAGIC.length && value.subarray(0, MULTI_MESSAGE_MAGIC.length).equals(MULTI_MESSAGE_MAGIC);
}

/** Reads a multi-message record; throws, naming what is wrong, on one that is cut short or malformed. */
export function decodeMultiMessage(value: Buffer): MultiMessage {
  if (!isMultiMessage(value)) throw new Error('the value does not start with the multi-message magic');
  const reader = new Reader(value);
  reader.skip(MULTI_MESSAGE_MAGIC.length);
  const blockLength = reader.uint16('block length');
  const templateId = reader.uint16('template id');
  reader.uint16('schema id');
  reader.uint16('schema version');
  if (templateId !== TEMPLATE_ID) throw new Error(`multi-message template id ${templateId} is not ${TEMPLATE_ID}`);
  reader.skip(blockLength);
  const headers = readHeaders(reader);
  const messages: MultiMessagePart[] = [];
  const count = reader.group('messages');
  for (let i = 0; i < count.entries; i++) {
    reader.skip(count.blockLength);
    const messageHeaders = readHeaders(reader);
    const key = reader.text('message key');
    messages.push({ key, value: reader.text('message value'), headers: messageHeaders });
  }
  return { headers, messages };
}

/** Writes a multi-message record, as Eventuate's MessageBuilder does (used by tests, and by whoever feeds Eventuate readers in batches). */
export function encodeMultiMessage(message: MultiMessage): Buffer {
  const chunks: Buffer[] = [MULTI_MESSAGE_MAGIC, uint16s(0, TEMPLATE_ID, SCHEMA_ID, 0)];
  const writeHeaders = (headers: MultiMessage['headers']) => {
    chunks.push(uint16s(0, headers.length));
    for (const [key, value] of headers) chunks.push(text(key), text(value));
  };
  writeHeaders(message.headers);
  chunks.push(uint16s(0, message.messages.length));
  for (const part of message.messages) {
    writeHeaders(part.headers);
    chunks.push(text(part.key), text(part.value));
  }
  return Buffer.concat(chunks);
}

function readHeaders(reader: Reader): Array<readonly [string, string]> {
  const group = reader.group('headers');
  const headers: Array<readonly [string, string]> = [];
  for (let i = 0; i < group.entries; i++) {
    reader.skip(group.blockLength);
    const key = reader.text('header key');
    headers.push([key, reader.text('header value')]);
  }
  return headers;
}

class Reader {
  private at = 0;

  constructor(private readonly buffer: Buffer) {}

  skip(bytes: number): void {
    this.need(bytes, 'a block');
    this.at += bytes;
  }

  uint16(what: string): number {
    this.need(2, what);
    const n = this.buffer.readUInt16LE(this.at);
    this.at += 2;
    return n;
  }

  group(what: string): { blockLength: number; entries: number } {
    const blockLength = this.uint16(`${what} block length`);
    return { blockLength, entries: this.uint16(`${what} count`) };
  }

  text(what: string): string {
    this.need(4, `${what} length`);
    const length = this.buffer.readUInt32LE(this.at);
    this.at += 4;
    this.need(length, what);
    const s = this.buffer.toString('utf8', this.at, this.at + length);
    this.at += length;
    return s;
  }

  private need(bytes: number, what: string): void {
    if (this.at + bytes > this.buffer.length) {
      throw new Error(`the multi-message is cut short: ${what} at byte ${this.at} needs ${bytes} bytes, ${this.buffer.length - this.at} left`);
    }
  }
}

function uint16s(...values: number[]): Buffer {
  const buffer = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => buffer.writeUInt16LE(v, i * 2));
  return buffer;
}

function text(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length);
  return Buffer.concat([length, bytes]);
}
