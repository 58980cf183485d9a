import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIsoTime, givenTime, isoTime, MAX_OTLP_TIME_MS } from '../../src/emitter/time.js';
import { PROPERTY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

describe('formatIsoTime', () => {
  it(
    'writes what Date#toISOString writes, for every millisecond from 1970 to 9999 (property)',
    () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 253402300799999 }), (ms) => {
          expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
        }),
        { numRuns: 2000 },
      );
      for (const ms of [0, 951782400000, 951868800000, 4107542400000, MAX_OTLP_TIME_MS]) expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it(
    'isoTime writes what Date#toISOString writes for any sequence of times: steps of a millisecond, across days, back and forth (property)',
    () => {
      const step = fc.oneof(
        fc.constant(1),
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: -2 * 86400000, max: 2 * 86400000 }),
        fc.integer({ min: -1e12, max: 1e12 }),
      );
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 253402300799999 }), fc.array(step, { maxLength: 30 }), (start, steps) => {
          let ms = start;
          for (const d of [0, ...steps]) {
            ms = Math.min(253402300799999, Math.max(0, ms + d));
            expect(isoTime(ms)).toBe(new Date(ms).toISOString());
          }
        }),
        { numRuns: 1000 },
      );
      for (const ms of [86399999, 86400000, 951868799999, 951868800000, MAX_OTLP_TIME_MS, 0]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    },
    PROPERTY_TEST_TIMEOUT_MS,
  );

  it('cuts a fraction of a millisecond, as the envelope has millisecond precision', () => {
    expect(isoTime(1769178721000.9)).toBe('2026-01-23T14:32:01.000Z');
  });
});

describe('givenTime', () => {
  const now = Date.parse('2026-01-23T14:32:01.000Z');
  it('takes a Date or epoch milliseconds from 1970 to a day ahead', () => {
    expect(givenTime(new Date('1990-06-15T12:00:00Z'), now)).toEqual({ ms: 645451200000 });
    expect(givenTime(0, now)).toEqual({ ms: 0 });
    expect(givenTime(now + 86_400_000, now)).toEqual({ ms: now + 86_400_000 });
  });

  it.each([
    [new Date(''), 'invalid_time', 'Invalid Date'],
    [NaN, 'invalid_time', 'NaN'],
    ['2026-01-23', 'invalid_time', '2026-01-23'],
    [-1, 'invalid_time', -1],
    [1.8e18, 'invalid_time', 1.8e18],
    [now * 1000, 'invalid_time', now * 1000],
    [now + 86_400_001, 'implausible_time', now + 86_400_001],
  ])('refuses %s as %s, keeping the given value %s', (given, code, input) => {
    expect(givenTime(given, now)).toEqual({ issue: expect.objectContaining({ code, input, path: [] }) });
  });
});
