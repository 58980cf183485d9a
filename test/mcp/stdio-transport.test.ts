import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdioTransport } from '../../src/mcp/stdio.js';

/*
 * The bounded stdio transport on its own: messages split on newlines across
 * chunks, an oversized line refused with -32600 (carrying its id when the
 * line's start or end shows it) without being held whole, and the next line
 * served as usual.
 */
function harness(maxMessageBytes: number) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const written: unknown[] = [];
  let buffer = '';
  stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      written.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
  });
  const refused: string[] = [];
  const transport = createStdioTransport({ stdin, stdout, maxMessageBytes, onRefused: (r) => refused.push(r) });
  const received: unknown[] = [];
  transport.onmessage = (m) => void received.push(m);
  return { stdin, transport, written, received, refused };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createStdioTransport', () => {
  it('reads messages split across chunks and several in one chunk', async () => {
    const h = harness(1024);
    await h.transport.start();
    const a = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const b = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
    h.stdin.write(a.slice(0, 10));
    h.stdin.write(`${a.slice(10)}\n${b}\r\n`);
    await tick();
    expect(h.received).toEqual([JSON.parse(a), JSON.parse(b)]);
  });

  it('refuses a line over the bound with -32600 and its id (at the end, as the SDK client writes it), then serves the next line', async () => {
    const h = harness(1000);
    await h.transport.start();
    const huge = JSON.stringify({ method: 'tools/call', params: { name: 'query_events', arguments: { query: 'x'.repeat(5000) } }, jsonrpc: '2.0', id: 7 });
    for (let i = 0; i < huge.length; i += 300) h.stdin.write(huge.slice(i, i + 300));
    h.stdin.write('\n' + JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'ping' }) + '\n');
    await tick();
    expect(h.written).toEqual([
      {
        jsonrpc: '2.0',
        id: 7,
        error: { code: -32600, message: `Invalid Request: the message is ${huge.length} bytes, over this server's limit of 1000 bytes (--max-request-bytes)` },
      },
    ]);
    expect(h.received).toEqual([{ jsonrpc: '2.0', id: 8, method: 'ping' }]);
    expect(h.refused).toHaveLength(1);
  });

  it('finds the id at the start of an oversized line too, and answers id null when there is none', async () => {
    const h = harness(100);
    await h.transport.start();
    h.stdin.write(`{"jsonrpc":"2.0","id":"req-1","method":"tools/call","params":{"x":"${'y'.repeat(500)}"}}\n`);
    h.stdin.write(`"${'z'.repeat(500)}"\n`);
    await tick();
    expect(h.written.map((m) => (m as { id: unknown }).id)).toEqual(['req-1', null]);
  });

  it('answers a line that is not JSON with -32700, and JSON that is not JSON-RPC with -32600', async () => {
    const h = harness(1000);
    await h.transport.start();
    h.stdin.write('not json\n{"hello":1}\n');
    await tick();
    expect(h.written.map((m) => (m as { error: { code: number } }).error.code)).toEqual([-32700, -32600]);
    expect(h.received).toEqual([]);
  });

  it('serves a last line without a newline when stdin ends, and says when every request read has been answered', async () => {
    const h = harness(1000);
    await h.transport.start();
    h.stdin.end(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }));
    await h.transport.ended;
    expect(h.received).toEqual([{ jsonrpc: '2.0', id: 3, method: 'ping' }]);
    let drained = false;
    const d = h.transport.drained().then(() => (drained = true));
    await tick();
    expect(drained).toBe(false);
    await h.transport.send({ jsonrpc: '2.0', id: 3, result: {} });
    await d;
    expect(drained).toBe(true);
  });
});
