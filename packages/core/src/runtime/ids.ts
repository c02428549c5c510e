import { randomFillSync } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

// Random bytes are drawn a page at a time: one system call per ~400 ids instead of one per id.
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
const text = Buffer.allocUnsafe(36);
let lastMillis = -1;
let counter = 0;

function randomBytes(count: number): number {
  if (poolOffset + count > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += count;
  return at;
}

/**
 * A new unique id that sorts by creation time (UUIDv7, RFC 9562), strictly
 * increasing within this process: ids made in the same millisecond count up
 * in the 12 bits after the version (method 1 of the RFC), from a random start
 * below 2048 so the count rarely overflows; when it does, the timestamp moves
 * on by a millisecond. Written straight into one flat string (an id is kept
 * with every stored event, so its size and making it count).
 */
export function newId(): string {
  const now = Date.now();
  if (now > lastMillis) {
    lastMillis = now;
    const at = randomBytes(2);
    counter = ((pool[at] << 3) | (pool[at + 1] & 7)) & 0x7ff;
  } else if (++counter > 0xfff) {
    lastMillis++;
    counter = 0;
  }
  const at = randomBytes(8);
  let o = 0;
  const hex = (byte: number) => {
    text[o++] = HEX[byte >> 4];
    text[o++] = HEX[byte & 15];
  };
  const high = Math.floor(lastMillis / 0x10000);
  const low = lastMillis % 0x10000;
  hex((high >>> 24) & 0xff);
  hex((high >>> 16) & 0xff);
  hex((high >>> 8) & 0xff);
  hex(high & 0xff);
  text[o++] = 0x2d;
  hex(low >> 8);
  hex(low & 0xff);
  text[o++] = 0x2d;
  hex(0x70 | (counter >> 8));
  hex(counter & 0xff);
  text[o++] = 0x2d;
  hex(0x80 | (pool[at] & 0x3f));
  hex(pool[at + 1]);
  text[o++] = 0x2d;
  for (let i = 2; i < 8; i++) hex(pool[at + i]);
  return text.toString('latin1', 0, 36);
}

const NAMESPACE = '6f1d6a2e-3c7b-4c39-9b7a-2f1f1d7e0c11';

/** A stable id derived from its parts, for creates that must be idempotent. */
export function derivedId(...parts: string[]): string {
  return uuidv5(parts.join('\u0000'), NAMESPACE);
}
