import { describe, expect, it } from 'vitest';
import { uuidv7, uuidv7Time } from '../../src/envelope/uuidv7.js';

/** RFC 9562 §5.7: 48-bit milliseconds, version 7, 12 bits of rand_a (our counter), variant 10, 62 random bits. */
const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('writes the time, version, counter and variant where RFC 9562 puts them', () => {
    for (const ms of [0, 1, 0xffff, 0x10000, 1769178721500, 2 ** 46]) {
      const id = uuidv7(ms);
      expect(id).toMatch(UUIDV7);
      expect(uuidv7Time(id)).toBe(ms);
      expect(id.slice(0, 13)).toBe(`${ms.toString(16).padStart(12, '0').slice(0, 8)}-${ms.toString(16).padStart(12, '0').slice(8)}`);
    }
  });

  it('keeps ids of one millisecond strictly increasing by the counter, then borrows the next millisecond', () => {
    const ms = 2 ** 47; // later than any earlier call in this file
    const ids = Array.from({ length: 4100 }, () => uuidv7(ms));
    for (const id of ids) expect(id).toMatch(UUIDV7);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // The counter is rand_a (after the version digit): 0, 1, 2, … within the millisecond.
    expect(ids.slice(0, 3).map((id) => id.slice(15, 18))).toEqual(['000', '001', '002']);
    expect(uuidv7Time(ids[4095]!)).toBe(ms);
    expect(ids[4095]!.slice(15, 18)).toBe('fff');
    expect(uuidv7Time(ids[4096]!)).toBe(ms + 1);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives each id its own text: an id already returned does not change with the next', () => {
    const a = uuidv7(2 ** 47 + 10);
    const copy = `${a}`;
    uuidv7(2 ** 47 + 11);
    expect(a).toBe(copy);
    expect(a).toHaveLength(36);
  });
});
