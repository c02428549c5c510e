import { Partitioners } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { KeyPartitioner, murmur2 } from './partitioner';
import { crc32c, encodeRecordBatch } from './record-batch';

describe("the producer's wire pieces", () => {
  it('computes CRC-32C (the check value of "123456789", and a batch checks out over its CRC field)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    // Odd lengths take the byte-wise tail after the 8-byte slices.
    expect(crc32c(Buffer.from('123456789123456789'))).toBe(crc32c(Buffer.concat([Buffer.from('123456789'), Buffer.from('123456789')])));
    const batch = encodeRecordBatch([{ key: 'k', value: 'v', headers: [] }], { producerId: 7n, producerEpoch: 1, baseSequence: 0 });
    expect(batch.readUInt32BE(17)).toBe(crc32c(batch, 21));
  });

  it('puts a key on the partition kafkajs (and Java) put it on', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const ours = new KeyPartitioner();
    for (let i = 0; i < 2000; i++) {
      const key = i % 3 === 0 ? `order-${i}` : i % 3 === 1 ? randomBytes(i % 41).toString('hex') : `é€${i}🙂`;
      for (const partitions of [1, 3, 4, 7]) {
        const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
        expect(ours.partitionOf(key, partitions)).toBe(kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } }));
      }
    }
    expect(murmur2(Buffer.from('owner-1'))).toBe(1436249157);
  });

  it('writes the RecordBatch header: producer id, epoch, base sequence, count, last offset delta, byte length', () => {
    const records = [
      { key: 'a', value: 'x'.repeat(300), headers: [['h', 'é'] as const] },
      { key: 'b', value: '{"ü":1}', headers: [] },
    ];
    const batch = encodeRecordBatch(records, { producerId: 123456789012n, producerEpoch: 3, baseSequence: 42 });
    expect(batch.readInt32BE(8)).toBe(batch.length - 12);
    expect(batch.readInt8(16)).toBe(2);
    expect(batch.readInt32BE(23)).toBe(1);
    expect(batch.readBigInt64BE(43)).toBe(123456789012n);
    expect(batch.readInt16BE(51)).toBe(3);
    expect(batch.readInt32BE(53)).toBe(42);
    expect(batch.readInt32BE(57)).toBe(2);
  });
});
