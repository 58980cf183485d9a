import { createHash } from 'node:crypto';

/*
 * Domain trace keys that are not W3C trace ids (Intent's `TRACE-015`) map to
 * one deterministically: the first 16 bytes of SHA-256 over a fixed prefix
 * and the key. Every process that sees the same key derives the same trace
 * id, so their events land in one trace without coordination. The derived
 * span id (for the loop's root span) uses a second prefix.
 * `docs/mapping.md` ("Trace keys") states the rule so other languages can reproduce it.
 */
const TRACE_PREFIX = 'factline.trace_key.v1\u0000';
const SPAN_PREFIX = 'factline.root_span.v1\u0000';
const W3C_TRACE_ID = /^[0-9a-f]{32}$/;

const cache = new Map<string, { traceId: string; spanId: string }>();
const CACHE_LIMIT = 4096;

function nonZero(hex: string): string {
  // An all-zero id is invalid in W3C Trace Context; make the last digit 1.
  return /^0+$/.test(hex) ? hex.slice(0, -1) + '1' : hex;
}

/**
 * The W3C trace id and root span id for a domain trace key. A key that is
 * already a valid W3C trace id is used as it is.
 *
 * @example
 * idsForTraceKey('TRACE-015').traceId; // 32 lowercase hex digits, the same in every process
 */
export function idsForTraceKey(key: string): { traceId: string; spanId: string } {
  let ids = cache.get(key);
  if (ids) return ids;
  const spanId = nonZero(
    createHash('sha256')
      .update(SPAN_PREFIX + key)
      .digest('hex')
      .slice(0, 16),
  );
  const traceId =
    W3C_TRACE_ID.test(key) && !/^0+$/.test(key)
      ? key
      : nonZero(
          createHash('sha256')
            .update(TRACE_PREFIX + key)
            .digest('hex')
            .slice(0, 32),
        );
  ids = { traceId, spanId };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, ids);
  return ids;
}
