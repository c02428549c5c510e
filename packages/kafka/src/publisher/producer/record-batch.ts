/** One record as the producer writes it: strings are written as UTF-8 straight into the batch. */
export interface OutgoingRecord {
  readonly key: string;
  readonly value: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/** What a record batch says about its producer: the idempotent producer's id, epoch and the partition's next sequence. */
export interface BatchProducer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

// RecordBatch v2 header: baseOffset 8, batchLength 4, partitionLeaderEpoch 4, magic 1, crc 4, then (crc'd)
// attributes 2, lastOffsetDelta 4, baseTimestamp 8, maxTimestamp 8, producerId 8, producerEpoch 2, baseSequence 4, count 4.
const CRC_FROM = 21;
const HEADER_BYTES = 61;

/**
 * Kafka's RecordBatch (magic 2, uncompressed), written in one pass into one
 * buffer: the wire format the broker stores as is. All records carry the send
 * time (no record timestamps, as the kafkajs sink sent them). Replaces the
 * per-record buffers kafkajs allocates, which were most of the publisher's CPU.
 */
export function encodeRecordBatch(records: readonly OutgoingRecord[], producer: BatchProducer, now = Date.now()): Buffer {
  let size = HEADER_BYTES;
  const lengths = new Array<number>(records.length);
  for (let i = 0; i < records.length; i++) {
    const body = recordBodyBytes(records[i], i);
    lengths[i] = body;
    size += varintBytes(body) + body;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeBigInt64BE(0n, 0); // baseOffset: the broker assigns
  out.writeInt32BE(size - 12, 8); // batchLength: bytes after this field
  out.writeInt32BE(-1, 12); // partitionLeaderEpoch
  out.writeInt8(2, 16); // magic
  out.writeInt16BE(0, 21); // attributes: no compression, not transactional
  out.writeInt32BE(records.length - 1, 23); // lastOffsetDelta
  out.writeBigInt64BE(BigInt(now), 27); // baseTimestamp
  out.writeBigInt64BE(BigInt(now), 35); // maxTimestamp
  out.writeBigInt64BE(producer.producerId, 43);
  out.writeInt16BE(producer.producerEpoch, 51);
  out.writeInt32BE(producer.baseSequence, 53);
  out.writeInt32BE(records.length, 57);
  let at = HEADER_BYTES;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    at = writeVarint(out, at, lengths[i]);
    out[at++] = 0; // attributes
    out[at++] = 0; // timestampDelta: 0 (varint)
    at = writeVarint(out, at, i); // offsetDelta
    at = writeString(out, at, record.key);
    at = writeString(out, at, record.value);
    at = writeVarint(out, at, record.headers.length);
    for (const [name, value] of record.headers) {
      at = writeString(out, at, name);
      at = writeString(out, at, value);
    }
  }
  out.writeUInt32BE(crc32c(out, CRC_FROM, size), 17);
  return out;
}

function recordBodyBytes(record: OutgoingRecord, offsetDelta: number): number {
  let bytes = 2 + varintBytes(offsetDelta) + stringBytes(record.key) + stringBytes(record.value) + varintBytes(record.headers.length);
  for (const [name, value] of record.headers) bytes += stringBytes(name) + stringBytes(value);
  return bytes;
}

function stringBytes(text: string): number {
  const length = Buffer.byteLength(text);
  return varintBytes(length) + length;
}

function writeString(out: Buffer, at: number, text: string): number {
  // Length first: byteLength is cheap next to a second buffer per string.
  const length = Buffer.byteLength(text);
  at = writeVarint(out, at, length);
  return at + out.write(text, at, length, 'utf8');
}

/** Zig-zag varint (Kafka's, as protobuf's sint32) of a non-negative int32. */
function varintBytes(value: number): number {
  let zigzag = (value << 1) ^ (value >> 31);
  let bytes = 1;
  while ((zigzag & ~0x7f) !== 0) {
    bytes++;
    zigzag >>>= 7;
  }
  return bytes;
}

function writeVarint(out: Buffer, at: number, value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  while ((zigzag & ~0x7f) !== 0) {
    out[at++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  out[at++] = zigzag;
  return at;
}

/** CRC-32C (Castagnoli), which RecordBatch v2 uses; slicing by 8 bytes. */
export function crc32c(data: Uint8Array, from = 0, to = data.length): number {
  let crc = 0xffffffff;
  let i = from;
  const t = TABLES;
  for (; i + 8 <= to; i += 8) {
    const a = crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    crc =
      t[7 * 256 + (a & 0xff)] ^
      t[6 * 256 + ((a >>> 8) & 0xff)] ^
      t[5 * 256 + ((a >>> 16) & 0xff)] ^
      t[4 * 256 + (a >>> 24)] ^
      t[3 * 256 + data[i + 4]] ^
      t[2 * 256 + data[i + 5]] ^
      t[256 + data[i + 6]] ^
      t[data[i + 7]];
  }
  for (; i < to; i++) crc = t[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const TABLES = (() => {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n];
    for (let k = 1; k < 8; k++) {
      c = tables[c & 0xff] ^ (c >>> 8);
      tables[k * 256 + n] = c;
    }
  }
  return tables;
})();
