/**
 * What one export request came to, in OTLP's terms (OTLP/HTTP "Failures"
 * and "Partial success"): the processor decides keep, retry, split or
 * dead-letter from this alone.
 */
export type SendOutcome =
  /**
   * 2xx: the endpoint took the request. `rejected` > 0 when it answered with
   * a partial success (`partialSuccess.rejectedLogRecords`), which OTLP says
   * must not be retried.
   */
  | { kind: 'accepted'; rejected: number; message?: string }
  /**
   * Worth sending again: 429, 502, 503, 504, a connection failure or a
   * timeout (the endpoint may have taken a slow request: a retry can
   * duplicate, never lose). Any other status (401, 403, 404, 500...) is
   * also kept and retried with backoff: it says nothing about the records,
   * and dead-lettering every batch for a wrong URL or an expired token would
   * turn a configuration error into a flood. `retryAfterMs` from the
   * `Retry-After` header (a usable one only: see `parseRetryAfter`).
   * `abandoned`: the caller gave up waiting (its `AbortSignal`), e.g. a
   * request stuck on an endpoint that hung and answers again since.
   */
  | { kind: 'retryable'; status?: number; retryAfterMs?: number; reason: string; timedOut?: boolean; abandoned?: boolean }
  /**
   * The endpoint refused the content (400, 413, 422): sending the same
   * records again gets the same answer. The processor splits the batch to
   * find the records it refuses and dead-letters them.
   */
  | { kind: 'refused'; status: number; reason: string };

import type { OtlpEncoding } from './otlp-protobuf.js';

/** Sends one serialised OTLP request body. Never rejects. */
export interface LogTransport {
  /** Where requests go (for messages and the dead-letter file). */
  readonly endpoint: string;
  /**
   * `signal` abandons the request: it then resolves `retryable` with
   * `abandoned: true`. `contentEncoding: 'gzip'` says `body` is already
   * gzip-compressed (RFC 1952); only passed when `acceptsGzip` is true.
   * `encoding` is the body's own (`'protobuf'`: `Content-Type:
   * application/x-protobuf`; `'json'`: `application/json`); absent means
   * `'json'`, as before the durable processors sent protobuf.
   */
  send(body: Uint8Array, timeoutMs: number, signal?: AbortSignal, contentEncoding?: 'gzip', encoding?: OtlpEncoding): Promise<SendOutcome>;
  /**
   * Whether `send` takes a gzip-compressed body (`contentEncoding: 'gzip'`).
   * Without it, a batch held compressed is decompressed before `send`.
   */
  readonly acceptsGzip?: boolean;
  /**
   * Sends `body` (an empty request) on a connection of its own, so that it
   * is not queued behind requests stuck on an endpoint that hung. Optional:
   * without it the probe goes through `send`.
   */
  probe?(body: Uint8Array, timeoutMs: number, encoding?: OtlpEncoding): Promise<SendOutcome>;
  shutdown?(): void;
}
