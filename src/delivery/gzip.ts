import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * zlib level of the batches held compressed: level 1 takes a batch of 1024
 * OTLP log records (JSON or protobuf) to a tenth or less of its size for about 2 µs of
 * CPU per record; higher levels cost several times that for a few percent.
 */
const LEVEL = 1;
/**
 * Output chunk of decompression. zlib's default (16 KiB) makes a 2 MB
 * request take about three times as long to gunzip as 256 KiB chunks do.
 */
const CHUNK = 256 * 1024;

/** The gzip (RFC 1952) of a request body, as sent with `Content-Encoding: gzip`. */
export function gzipBody(body: Uint8Array): Buffer {
  return gzipSync(body, { level: LEVEL });
}

/** The request body of a gzip member made by {@link gzipBody}. Throws on a body that is not gzip. */
export function gunzipBody(body: Uint8Array): Buffer {
  return gunzipSync(body, { chunkSize: CHUNK });
}
