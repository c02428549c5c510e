import { EventloomError, EventMetadataFields } from '@eventloom/core';
import { NewEvent, SequencedEvent } from '@eventloom/core/spi';

/**
 * The first buffer's size; each next one is twice the last, up to the largest size (or as large as the one
 * event that does not fit). V8 starts a full marking of the heap for about every 64 MB of new buffers
 * allocated, whatever their size: a few large ones cost a few markings, many 16 MB ones cost one per four.
 */
const FIRST_CHUNK_BYTES = 64 * 1024;
const LARGEST_CHUNK_BYTES = 1024 * 1024 * 1024;
/** An absent optional string (triggeringEventId, causationId): a length no string has. */
const ABSENT = 0xffffffff;
/**
 * Where the schema version of the repository's plain metadata (correlation, maybe causation) goes; any other
 * metadata is kept as JSON, marked by this value, which no schema version reaches.
 */
const JSON_METADATA = 0xffffffff;
/**
 * A record: version, timestamp, previous position in the stream, event type, aggregate type (indexes of
 * names), schema version or JSON_METADATA, then the UTF-16 lengths of the six texts (eventId, aggregateId,
 * eventData, triggeringEventId, correlationId or metadata JSON, causationId), the texts' byte count, and the
 * texts end to end in UTF-8.
 */
const LENGTHS_AT = 28;
const TEXT_BYTES_AT = LENGTHS_AT + 6 * 4;
const HEADER_BYTES = TEXT_BYTES_AT + 4;

/**
 * Every event of the embedded store, encoded end to end in large buffers and
 * found by position (1, 2, ...). Kept events as JavaScript objects (an object,
 * its id, its data and its metadata each) outlived the young generation, were
 * pointed at from old arrays, and made every scavenge slower as the heap grew:
 * at a million aggregates a third of the time went to the garbage collector.
 * Here a kept event is bytes the collector never walks, and a stream is two
 * numbers: each record names the position of its stream's previous event.
 *
 * Writes go past the committed end until `commit()`, so an append whose last
 * event cannot be encoded leaves nothing behind (`rollback()`).
 */
export class EncodedEventLog {
  private readonly chunks: Buffer[] = [Buffer.allocUnsafe(FIRST_CHUNK_BYTES)];
  /** Where the next record goes: the last chunk, at this offset. */
  private used = 0;
  /** By position - 1: the chunk and the offset of the record. */
  private chunkOf = new Uint32Array(1024);
  private offsetOf = new Uint32Array(1024);
  private committed = 0;
  private written = 0;
  private committedChunks = 1;
  private committedUsed = 0;
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();

  /** The last committed position (0 when empty). */
  get length(): number {
    return this.committed;
  }

  /** The position the next event written will have. */
  get nextPosition(): number {
    return this.written + 1;
  }

  /** Encodes one event after those written so far; it is readable once committed. Returns its position. */
  write(event: NewEvent, previousInStream: number): number {
    const metadata = event.metadata as EventMetadataFields;
    const plain = isPlain(metadata);
    const metadataText = plain ? metadata.correlationId : metadataAsJson(event);
    const causationId = plain ? metadata.causationId : undefined;
    const texts = [event.eventId, event.aggregateId, event.eventData, event.triggeringEventId, metadataText, causationId];
    let units = 0;
    for (const text of texts) if (text !== undefined) units += text.length;
    // At most 3 bytes of UTF-8 per UTF-16 unit.
    const worst = HEADER_BYTES + 3 * units;
    let chunk = this.chunks[this.chunks.length - 1];
    if (this.used + worst > chunk.length) {
      chunk = Buffer.allocUnsafe(Math.max(Math.min(2 * chunk.length, LARGEST_CHUNK_BYTES), worst));
      this.chunks.push(chunk);
      this.used = 0;
    }
    const position = this.written + 1;
    this.grow(position);
    this.chunkOf[position - 1] = this.chunks.length - 1;
    this.offsetOf[position - 1] = this.used;
    const start = this.used;
    let at = start;
    at = chunk.writeUInt32LE(event.version, at);
    at = chunk.writeDoubleLE(event.timestamp.getTime(), at);
    at = chunk.writeUInt32LE(previousInStream, at);
    at = chunk.writeUInt32LE(this.name(event.eventType), at);
    at = chunk.writeUInt32LE(this.name(event.aggregateType), at);
    at = chunk.writeUInt32LE(plain ? metadata.schemaVersion : JSON_METADATA, at);
    for (const text of texts) at = chunk.writeUInt32LE(text === undefined ? ABSENT : text.length, at);
    const textStart = start + HEADER_BYTES;
    let end = textStart;
    for (const text of texts) if (text !== undefined && text.length > 0) end += chunk.write(text, end, 'utf8');
    chunk.writeUInt32LE(end - textStart, start + TEXT_BYTES_AT);
    this.used = end;
    this.written = position;
    return position;
  }

  /** Makes every event written since the last commit readable. */
  commit(): void {
    this.committed = this.written;
    this.committedChunks = this.chunks.length;
    this.committedUsed = this.used;
  }

  /** Forgets every event written since the last commit. */
  rollback(): void {
    this.written = this.committed;
    this.chunks.length = this.committedChunks;
    this.used = this.committedUsed;
  }

  /** The position of the event before this one in its stream (0 for a stream's first event or a message). */
  previousInStream(position: number): number {
    this.assertCommitted(position);
    return this.chunks[this.chunkOf[position - 1]].readUInt32LE(this.offsetOf[position - 1] + 12);
  }

  read(position: number): SequencedEvent {
    this.assertCommitted(position);
    const chunk = this.chunks[this.chunkOf[position - 1]];
    const start = this.offsetOf[position - 1];
    const textStart = start + HEADER_BYTES;
    const textBytes = chunk.readUInt32LE(start + TEXT_BYTES_AT);
    // One decoding per event, cut at the UTF-16 lengths: decoding each field apart cost a native call each.
    const text = chunk.toString('utf8', textStart, textStart + textBytes);
    let cut = 0;
    const field = (lengthAt: number): string | undefined => {
      const length = chunk.readUInt32LE(start + lengthAt);
      if (length === ABSENT) return undefined;
      cut += length;
      return text.substring(cut - length, cut);
    };
    const eventId = field(LENGTHS_AT)!;
    const aggregateId = field(LENGTHS_AT + 4)!;
    const eventData = field(LENGTHS_AT + 8)!;
    const triggeringEventId = field(LENGTHS_AT + 12);
    const metadataText = field(LENGTHS_AT + 16)!;
    const causationId = field(LENGTHS_AT + 20);
    const schemaVersion = chunk.readUInt32LE(start + 24);
    const metadata =
      schemaVersion === JSON_METADATA ? (JSON.parse(metadataText) as EventMetadataFields) : plainMetadata(metadataText, causationId, schemaVersion);
    return {
      eventId,
      eventType: this.names[chunk.readUInt32LE(start + 16)],
      eventData,
      aggregateType: this.names[chunk.readUInt32LE(start + 20)],
      aggregateId,
      version: chunk.readUInt32LE(start),
      triggeringEventId,
      metadata,
      timestamp: new Date(chunk.readDoubleLE(start + 4)),
      position,
    };
  }

  private assertCommitted(position: number): void {
    if (!(position >= 1 && position <= this.committed)) {
      throw new EventloomError(`No stored event at position ${position}: the embedded store holds positions 1 to ${this.committed}.`);
    }
  }

  /** Event and aggregate types are few: each is kept once and recorded by its index. */
  private name(value: string): number {
    let index = this.nameIndex.get(value);
    if (index === undefined) {
      index = this.names.push(value) - 1;
      this.nameIndex.set(value, index);
    }
    return index;
  }

  private grow(position: number): void {
    if (position <= this.chunkOf.length) return;
    const size = this.chunkOf.length * 2;
    const chunkOf = new Uint32Array(size);
    chunkOf.set(this.chunkOf);
    const offsetOf = new Uint32Array(size);
    offsetOf.set(this.offsetOf);
    this.chunkOf = chunkOf;
    this.offsetOf = offsetOf;
  }
}

/**
 * The repository's metadata without extras: correlation, maybe causation,
 * schema version and nothing else (checked without listing the keys, which
 * would be an array per event).
 */
export function isPlain(metadata: EventMetadataFields): boolean {
  const version = metadata.schemaVersion;
  if (typeof metadata.correlationId !== 'string' || !Number.isInteger(version) || version < 0 || version >= JSON_METADATA) return false;
  const causation = metadata.causationId;
  if (causation !== undefined && typeof causation !== 'string') return false;
  // Those two or three keys are there, so any other key makes the count larger.
  let keys = 0;
  for (const _ in metadata) keys++;
  return keys === (causation === undefined ? 2 : 3);
}

/** Metadata of the repository's plain shape, as the repository's own literals, so that read metadata shares their hidden classes. */
export function plainMetadata(correlationId: string, causationId: string | undefined, schemaVersion: number): EventMetadataFields {
  return causationId !== undefined ? { correlationId, causationId, schemaVersion } : { correlationId, schemaVersion };
}

function metadataAsJson(event: NewEvent): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(event.metadata);
  } catch (error) {
    throw new EventloomError(
      `Event ${event.eventId} (${event.eventType}) of ${event.aggregateType} '${event.aggregateId}' was not stored: its metadata cannot be written as JSON (${(error as Error).message}). Give metadata only JSON values, as every event store keeps it as JSON.`,
    );
  }
  if (json === undefined) throw new EventloomError(`Event ${event.eventId} (${event.eventType}) was not stored: its metadata is not a JSON object.`);
  return json;
}
