/**
 * The stdio transport of `factline mcp`: newline-delimited JSON-RPC on
 * stdin/stdout, as the MCP stdio transport specifies, with a bound on a
 * message's size that refuses one message instead of ending the session.
 *
 * The SDK's `StdioServerTransport` buffers stdin without a bound per
 * message and, past its 10 MiB buffer, closes: a request read before the
 * oversized one loses its answer. Here a line longer than `maxMessageBytes`
 * is skipped as it streams in (never held whole) and answered with JSON-RPC
 * error -32600 (Invalid Request), carrying the request's `id` when it can be
 * read from the line's first or last bytes (so the client's pending call
 * fails at once); the next line is served as usual. A line that is not JSON
 * gets -32700 (Parse error) and one that is not a JSON-RPC message -32600,
 * both with `id: null` as JSON-RPC 2.0 prescribes.
 */
import process from 'node:process';
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Default bound on one incoming message: 4 MiB. */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** Options of {@link createStdioTransport}. */
export interface StdioTransportOptions {
  stdin?: Readable;
  stdout?: Writable;
  /** The longest message read, in bytes (UTF-8, without its newline). Default 4 MiB. */
  maxMessageBytes?: number;
  /** Told of every message refused (too long, not JSON, not JSON-RPC), for a log on stderr. */
  onRefused?: (reason: string) => void;
}

/** A stdio transport that also says when every request read so far has been answered. */
export interface FactlineStdioTransport extends Transport {
  /** Resolves when stdin has ended. */
  readonly ended: Promise<void>;
  /** Resolves when every request read has been answered (at once when none is pending). */
  drained(): Promise<void>;
}

/** The bytes kept of an oversized line's start and end, to find its `id`. */
const EDGE = 512;
const ID_AT_START = /^\s*\{(?:\s*"(?:jsonrpc|method)"\s*:\s*"[^"]*"\s*,)*\s*"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")/;
const ID_AT_END = /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")\s*\}\s*$/;

function idOf(head: string, tail: string): string | number | null {
  const m = ID_AT_START.exec(head) ?? ID_AT_END.exec(tail);
  if (!m) return null;
  try {
    return JSON.parse(m[1]!) as string | number;
  } catch {
    return null;
  }
}

/**
 * The transport `factline mcp` serves on.
 *
 * @example
 * const mcp = createFactlineMcpServer({ catalog, backend: createLocalBackend({ files: ['events.jsonl'] }) });
 * const transport = createStdioTransport({ maxMessageBytes: 4 * 1024 * 1024, onRefused: (r) => console.error(r) });
 * await mcp.connect(transport);
 * await transport.ended; await transport.drained(); await mcp.close();
 */
export function createStdioTransport(options: StdioTransportOptions = {}): FactlineStdioTransport {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const max = options.maxMessageBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const pending = new Set<string | number>();
  let wake: (() => void) | undefined;
  let endedResolve!: () => void;
  const ended = new Promise<void>((r) => (endedResolve = r));

  // The line being read: its chunks (while within the bound) or, past it, only its edges.
  let chunks: Buffer[] = [];
  let size = 0;
  let oversized = false;
  let head = '';
  let tail = Buffer.alloc(0);

  const transport: FactlineStdioTransport = {
    ended,
    async start() {
      stdin.on('data', ondata);
      stdin.on('error', onstreamerror);
      stdin.once('end', onend);
    },
    async send(message: JSONRPCMessage) {
      await write(message);
      if (!('method' in message) && 'id' in message && message.id !== undefined && message.id !== null) pending.delete(message.id);
      if (pending.size === 0) wake?.();
    },
    async close() {
      stdin.off('data', ondata);
      stdin.off('error', onstreamerror);
      stdin.off('end', onend);
      if (stdin.listenerCount('data') === 0) stdin.pause();
      chunks = [];
      transport.onclose?.();
    },
    drained: () =>
      pending.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            wake = resolve;
          }),
  };

  function write(message: unknown): Promise<void> {
    return new Promise((resolve) => {
      if (stdout.write(JSON.stringify(message) + '\n')) resolve();
      else stdout.once('drain', resolve);
    });
  }

  function refuse(id: string | number | null, code: number, message: string): void {
    options.onRefused?.(message);
    void write({ jsonrpc: '2.0', id, error: { code, message } });
  }

  function onstreamerror(e: Error): void {
    transport.onerror?.(e);
  }

  function onend(): void {
    if (size > 0 || oversized) finishLine();
    endedResolve();
  }

  function finishLine(): void {
    if (oversized) {
      const id = idOf(head, tail.toString('utf8'));
      refuse(id, -32600, `Invalid Request: the message is ${size} bytes, over this server's limit of ${max} bytes (--max-request-bytes)`);
    } else {
      const line = Buffer.concat(chunks, size).toString('utf8').replace(/\r$/, '');
      if (line.trim() !== '') dispatch(line);
    }
    chunks = [];
    size = 0;
    oversized = false;
    head = '';
    tail = Buffer.alloc(0);
  }

  function dispatch(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      refuse(null, -32700, `Parse error: ${(e as Error).message}`);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = typeof json === 'object' && json !== null && 'id' in json && (typeof json.id === 'string' || typeof json.id === 'number') ? json.id : null;
      refuse(id, -32600, 'Invalid Request: not a JSON-RPC 2.0 message');
      return;
    }
    const message = parsed.data;
    if ('method' in message && 'id' in message && message.id !== undefined) pending.add(message.id);
    transport.onmessage?.(message);
  }

  function take(part: Buffer): void {
    if (part.length === 0) return;
    if (!oversized && size + part.length > max) {
      oversized = true;
      head = Buffer.concat([...chunks, part])
        .subarray(0, EDGE)
        .toString('utf8');
      chunks = [];
    }
    size += part.length;
    if (oversized) tail = Buffer.concat([tail, part]).subarray(-EDGE);
    else chunks.push(part);
  }

  function ondata(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10)) {
      take(buf.subarray(0, nl));
      finishLine();
      buf = buf.subarray(nl + 1);
    }
    take(buf);
  }

  return transport;
}
