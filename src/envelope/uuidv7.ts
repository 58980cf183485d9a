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

/** Each byte's two lowercase hex digits as character codes, high digit first. */
const HEX_HIGH = new Uint8Array(256);
const HEX_LOW = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX_HIGH[i] = h.charCodeAt(0);
  HEX_LOW[i] = h.charCodeAt(1);
}
/** The id's 36 characters, written in place and read out as one string. */
const text = Buffer.alloc(36, 0x2d /* '-' */);
/**
 * Reads `text` out as Latin-1: Buffer's own `latin1Slice`, which
 * `toString('latin1', …)` calls after its argument checks, where it exists.
 */
const readText: () => string =
  typeof (text as unknown as { latin1Slice?: unknown }).latin1Slice === 'function'
    ? () => (text as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(0, 36)
    : () => text.toString('latin1', 0, 36);

/** Writes byte `v`'s two hex digits at `at`. */
function hex(at: number, v: number): void {
  text[at] = HEX_HIGH[v]!;
  text[at + 1] = HEX_LOW[v]!;
}

/**
 * A new UUIDv7 string. The text is written into a buffer and read out once,
 * so the id is one flat string (36 bytes), not a chain of the pieces it was
 * joined from: a record holding it holds 36 characters, not a tree of them.
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
  // xxxxxxxx-xxxx-7xxx-Vxxx-xxxxxxxxxxxx: the dashes stay where Buffer.alloc put them.
  hex(0, (hi >>> 24) & 0xff);
  hex(2, (hi >>> 16) & 0xff);
  hex(4, (hi >>> 8) & 0xff);
  hex(6, hi & 0xff);
  hex(9, (lo >>> 8) & 0xff);
  hex(11, lo & 0xff);
  hex(14, 0x70 | ((counter >>> 8) & 0x0f));
  hex(16, counter & 0xff);
  hex(19, 0x80 | (b[o]! & 0x3f));
  hex(21, b[o + 1]!);
  for (let i = 0; i < 6; i++) hex(24 + 2 * i, b[o + 2 + i]!);
  return readText();
}

/** Milliseconds since the epoch encoded in a UUIDv7. */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
