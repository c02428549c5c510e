import { EventloomError, EventMetadataFields } from '@eventloom/core';
import { NewEvent, SequencedEvent } from '@eventloom/core/spi';

/** New buffers are this large, or as large as the one event that does not fit. */
const CHUNK_BYTES = 16 * 1024 * 1024;
/** An absent optional string (triggeringEventId, causationId): a length no string has. */
const ABSENT = 0xffffffff;
/** Metadata of the repository's plain shape, written field by field; anything else as JSON. */
const PLAIN_METADATA = 0;
const JSON_METADATA = 1;
/** version, timestamp, previous position in the stream, event type, aggregate type, metadata tag. */
const FIXED_BYTES = 4 + 8 + 4 + 4 + 4 + 1;

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
  private readonly chunks: Buffer[] = [Buffer.allocUnsafe(CHUNK_BYTES)];
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
    const metadataJson = plain ? undefined : metadataAsJson(event);
    const worst =
      FIXED_BYTES +
      room(event.eventId) +
      room(event.aggregateId) +
      room(event.eventData) +
      room(event.triggeringEventId) +
      (plain ? room(metadata.correlationId) + room(metadata.causationId) + 4 : room(metadataJson));
    let chunk = this.chunks[this.chunks.length - 1];
    if (this.used + worst > chunk.length) {
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, worst));
      this.chunks.push(chunk);
      this.used = 0;
    }
    const position = this.written + 1;
    this.grow(position);
    this.chunkOf[position - 1] = this.chunks.length - 1;
    this.offsetOf[position - 1] = this.used;
    let at = this.used;
    at = chunk.writeUInt32LE(event.version, at);
    at = chunk.writeDoubleLE(event.timestamp.getTime(), at);
    at = chunk.writeUInt32LE(previousInStream, at);
    at = chunk.writeUInt32LE(this.name(event.eventType), at);
    at = chunk.writeUInt32LE(this.name(event.aggregateType), at);
    at = writeString(chunk, at, event.eventId);
    at = writeString(chunk, at, event.aggregateId);
    at = writeString(chunk, at, event.eventData);
    at = writeString(chunk, at, event.triggeringEventId);
    if (plain) {
      at = chunk.writeUInt8(PLAIN_METADATA, at);
      at = writeString(chunk, at, metadata.correlationId);
      at = writeString(chunk, at, metadata.causationId);
      at = chunk.writeUInt32LE(metadata.schemaVersion, at);
    } else {
      at = chunk.writeUInt8(JSON_METADATA, at);
      at = writeString(chunk, at, metadataJson);
    }
    this.used = at;
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
    let at = this.offsetOf[position - 1];
    const version = chunk.readUInt32LE(at);
    const timestampMillis = chunk.readDoubleLE(at + 4);
    const eventType = this.names[chunk.readUInt32LE(at + 16)];
    const aggregateType = this.names[chunk.readUInt32LE(at + 20)];
    at += 24;
    const eventId = readString(chunk, at);
    at = next(chunk, at);
    const aggregateId = readString(chunk, at);
    at = next(chunk, at);
    const eventData = readString(chunk, at);
    at = next(chunk, at);
    const triggeringEventId = readString(chunk, at);
    at = next(chunk, at);
    let metadata: EventMetadataFields;
    if (chunk.readUInt8(at) === PLAIN_METADATA) {
      at += 1;
      const correlationId = readString(chunk, at)!;
      at = next(chunk, at);
      const causationId = readString(chunk, at);
      at = next(chunk, at);
      const schemaVersion = chunk.readUInt32LE(at);
      // The repository's own shapes, so read metadata shares their hidden classes.
      metadata = causationId !== undefined ? { correlationId, causationId, schemaVersion } : { correlationId, schemaVersion };
    } else {
      metadata = JSON.parse(readString(chunk, at + 1)!) as EventMetadataFields;
    }
    return {
      eventId: eventId!,
      eventType,
      eventData: eventData!,
      aggregateType,
      aggregateId: aggregateId!,
      version,
      triggeringEventId,
      metadata,
      timestamp: new Date(timestampMillis),
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
function isPlain(metadata: EventMetadataFields): boolean {
  if (typeof metadata.correlationId !== 'string' || !Number.isInteger(metadata.schemaVersion) || metadata.schemaVersion < 0) return false;
  const causation = metadata.causationId;
  if (causation !== undefined && typeof causation !== 'string') return false;
  // Those two or three keys are there, so any other key makes the count larger.
  let keys = 0;
  for (const _ in metadata) keys++;
  return keys === (causation === undefined ? 2 : 3);
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

/** At most 3 bytes of UTF-8 per UTF-16 unit, and the length before it. */
function room(value: string | undefined): number {
  return 4 + (value === undefined ? 0 : value.length * 3);
}

function writeString(chunk: Buffer, at: number, value: string | undefined): number {
  if (value === undefined) return chunk.writeUInt32LE(ABSENT, at);
  const bytes = chunk.write(value, at + 4, 'utf8');
  chunk.writeUInt32LE(bytes, at);
  return at + 4 + bytes;
}

function readString(chunk: Buffer, at: number): string | undefined {
  const bytes = chunk.readUInt32LE(at);
  if (bytes === ABSENT) return undefined;
  return chunk.toString('utf8', at + 4, at + 4 + bytes);
}

function next(chunk: Buffer, at: number): number {
  const bytes = chunk.readUInt32LE(at);
  return at + 4 + (bytes === ABSENT ? 0 : bytes);
}
