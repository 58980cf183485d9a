import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * A `fetch` for GET requests that checks an `https://` server's certificate
 * against the given CA certificates (PEM), as Node's `https` module does with
 * its `ca` option. Node's global `fetch` takes no CA option (only the
 * process-wide `NODE_EXTRA_CA_CERTS`), so the Loki backend uses this one when
 * a CA is configured. Honours `headers` and `signal`; answers a `Response`.
 */
export function fetchWithCa(ca: string): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers = Object.fromEntries(new Headers(init?.headers).entries());
      const signal = init?.signal ?? undefined;
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method: init?.method ?? 'GET', headers, ...(url.protocol === 'https:' ? { ca } : {}), ...(signal ? { signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502, statusText: res.statusMessage ?? '', headers: h }));
        });
      });
      req.on('error', (e) =>
        reject(
          Object.assign(new TypeError('fetch failed'), {
            cause: e,
            ...(signal?.aborted ? { name: (signal.reason as Error | undefined)?.name ?? 'AbortError' } : {}),
          }),
        ),
      );
      req.end();
    });
}
