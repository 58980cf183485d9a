import { randomFillSync } from 'node:crypto';

/*
 * UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits, so ids
 * sort by creation time. Within one millisecond a 12-bit counter in `rand_a`
 * keeps ids from one process strictly increasing (RFC 9562 §6.2, method 1).
 * Random bytes are drawn in blocks to keep the per-id cost low.
 */
const POOL_SIZE = 16 * 256;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;
let lastMs = -1;
let counter = 0;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A new UUIDv7 string.
 *
 * @example
 * uuidv7(); // '01963a2e-7b1c-7d3e-9f4a-2b6c8d0e1f23'
 */
export function uuidv7(now: number = Date.now()): string {
  if (poolOffset + 8 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let ms = now;
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      // Counter exhausted within one millisecond: borrow the next one.
      ms = ++lastMs;
      counter = 0;
    }
  } else {
    lastMs = ms;
    counter = 0;
  }
  const b = pool;
  const o = poolOffset;
  poolOffset += 8;
  const hi = Math.floor(ms / 0x10000);
  const lo = ms % 0x10000;
  const t = HEX[(hi >>> 24) & 0xff]! + HEX[(hi >>> 16) & 0xff]! + HEX[(hi >>> 8) & 0xff]! + HEX[hi & 0xff]! + '-' + HEX[(lo >>> 8) & 0xff]! + HEX[lo & 0xff]!;
  const verA = 0x70 | ((counter >>> 8) & 0x0f);
  const variant = 0x80 | (b[o]! & 0x3f);
  return (
    t +
    '-' +
    HEX[verA]! +
    HEX[counter & 0xff]! +
    '-' +
    HEX[variant]! +
    HEX[b[o + 1]!]! +
    '-' +
    HEX[b[o + 2]!]! +
    HEX[b[o + 3]!]! +
    HEX[b[o + 4]!]! +
    HEX[b[o + 5]!]! +
    HEX[b[o + 6]!]! +
    HEX[b[o + 7]!]!
  );
}

/** Milliseconds since the epoch encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
