import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OTLP/HTTP endpoint on 127.0.0.1 (node:http) that keeps every
 * request body it is sent, so a test can read each byte that left the
 * process. `mode`: `unavailable` answers 503 (the client keeps the records,
 * then spools them); `refuse` answers 400 to a request whose body contains
 * `marker` (the client isolates and dead-letters that record) and 200 to the rest.
 */
export class RecordingEndpoint {
  readonly bodies: string[] = [];
  mode: { kind: 'unavailable' } | { kind: 'refuse'; marker: string } = { kind: 'unavailable' };
  private server: Server | undefined;

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.bodies.push(body);
        const mode = this.mode;
        if (mode.kind === 'unavailable') {
          res.writeHead(503, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ code: 14, message: 'unavailable' }));
        } else if (body.includes(mode.marker)) {
          res.writeHead(400, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ code: 3, message: 'a record was refused' }));
        } else {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{}');
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
