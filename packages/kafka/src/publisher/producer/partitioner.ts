/**
 * The partition of a key: Java's (and kafkajs's DefaultPartitioner's) choice,
 * murmur2 of the key's UTF-8 bytes, made positive, modulo the partition count,
 * so that an aggregate stays on the partition earlier publishers (and
 * Eventuate's Java producers) put it on. Remembers recent keys: one aggregate's
 * events come together.
 */
export class KeyPartitioner {
  private readonly memo = new Map<string, number>();

  partitionOf(key: string, partitions: number): number {
    let hash = this.memo.get(key);
    if (hash === undefined) {
      if (this.memo.size >= 100_000) this.memo.clear();
      hash = murmur2(Buffer.from(key)) & 0x7fffffff;
      this.memo.set(key, hash);
    }
    return hash % partitions;
  }
}

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), 32-bit. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}
