import { join } from 'node:path';
import { z } from 'zod';
import { defineCatalog } from '../../src/catalog/index.js';
import { createEmitter } from '../../src/emitter/index.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';

/*
 * The events of the conformance corpus (conformance-cases.json: queries from
 * Loki's own docs and tests): 3,000 events written by factline itself over
 * fifteen minutes, in the shapes Loki's examples query. JSON payloads carry
 * the field names the examples use (app, cluster, namespace, level,
 * latency, duration, bytes, status, a, b, foo, bar, ...); string payloads
 * become lines of their own: logfmt, nginx/Apache access lines, plain text,
 * ANSI-coloured text. A fixed seed makes the set the same on every run.
 */

export const CONFORMANCE_SERVICE = 'conformance';

const anyObject = z.record(z.string(), z.unknown());

export const conformanceCatalog = defineCatalog(
  {
    'app.request.served:1': anyObject,
    'app.job.finished:1': anyObject,
    'app.log.written:1': z.string(),
    'app.access.logged:1': z.string(),
  },
  { name: 'conformance' },
);

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS = ['foo', 'bar', 'loki', 'nginx', 'mysql'];
const CLUSTERS = ['us-central1', 'ops-tools1', 'eu-west1'];
const NAMESPACES = ['loki-dev', 'prod', 'tempo-dev'];
const LEVELS = ['info', 'info', 'info', 'debug', 'warn', 'error'];
const METHODS = ['GET', 'GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/api/v1/push', '/loki/api/v1/query_range', '/metrics', '/ready', '/api/prom/push', '/a?q=1'];
const STATUSES = [200, 200, 200, 201, 204, 301, 400, 404, 500, 502, 503];
const LATENCIES = ['250ms', '1.2s', '2s', '90ms', '3.5s', '1m', '12ms', '500us', '1h2m'];
const SIZES = ['512B', '2KB', '12KB', '800B', '1.5MiB', '64KiB', '3MB'];
const IPS = ['192.168.4.5', '192.168.4.20', '10.10.15.3', '3.180.71.3', '2001:db8::4', '172.16.0.9', '192.168.4.250'];
const MACHINES = ['host1', 'host2', 'host3', 'host4'];
const USERS = ['frank', 'alice', 'bob', '-'];

/** Writes the corpus into `dir/events.jsonl` with event times from `start` (epoch ms) over fifteen minutes. Returns the number of events. */
export async function writeConformanceCorpus(dir: string, start: number, count = 3000): Promise<number> {
  const sink = createJsonlSink({ path: join(dir, 'events.jsonl') });
  const emitter = createEmitter(conformanceCatalog, { sinks: [sink], serviceName: CONFORMANCE_SERVICE, validation: 'report', onProblem: () => {} });
  const r = random(21);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  let counter = 0;
  for (let i = 0; i < count; i++) {
    const time = start + Math.floor((i * 15 * 60_000) / count) + (i % 7);
    const level = pick(LEVELS);
    const severity = level === 'error' ? 'ERROR' : level === 'warn' ? 'WARN' : level === 'debug' ? 'DEBUG' : 'INFO';
    const opts = { time, severity } as const;
    const app = pick(APPS);
    const status = pick(STATUSES);
    const method = pick(METHODS);
    const path = pick(PATHS);
    const ip = pick(IPS);
    const latency = pick(LATENCIES);
    const kind = r();
    counter += 1 + Math.floor(r() * 5);
    if (kind < 0.45) {
      emitter.emit(
        'app.request.served:1',
        {
          app,
          cluster: pick(CLUSTERS),
          namespace: pick(NAMESPACES),
          machine: pick(MACHINES),
          name: `${app}-${i % 4}`,
          level,
          latency,
          duration: pick(LATENCIES),
          response_latency_seconds: Math.round(r() * 3000) / 1000,
          request_time: Math.round(r() * 900) / 1000,
          value: Math.round(r() * 1000) / 10,
          bytes: Math.floor(r() * 100_000),
          size: pick(SIZES),
          busy: Math.round(r() * 100),
          counter,
          total_count: Math.floor(r() * 50),
          a: 1 + Math.floor(r() * 3),
          b: 1 + Math.floor(r() * 3),
          foo: Math.floor(r() * 20),
          bar: Math.round(r() * 100) / 10,
          baz: pick(['a', 'b', 'c']),
          bazz: Math.floor(r() * 10),
          method,
          path,
          status,
          status_code: status,
          response_status: status,
          addr: ip,
          remote_addr: ip,
          ip,
          host: pick(MACHINES),
          request_host: pick(['grafana.net', 'loki.example.com', 'localhost:3100']),
          org_id: pick(['1', '2', '29']),
          region: pick(['us', 'eu']),
          env: pick(['dev', 'prod']),
          pool: pick(['lazy', 'eager']),
          job: `${pick(NAMESPACES)}/${app}`,
          instance: `${pick(MACHINES)}:8080`,
          msg: pick(['request done', 'query finished', 'timeout waiting', 'error reading body', 'level=warn in message']),
          message: { message: pick(['nested', 'inner text']), code: status },
          request: { method, headers: { 'User-Agent': pick(['curl/8.0', 'Go-http-client/1.1']) }, size: Math.floor(r() * 4000) },
          tags: ['a', 'b'],
          ...(i % 11 === 0 ? { nothing: null } : {}),
          ...(i % 13 === 0 ? { error: 'connection refused', err: 'EOF' } : {}),
        },
        opts,
      );
    } else if (kind < 0.6) {
      emitter.emit(
        'app.job.finished:1',
        {
          app,
          level,
          query: pick(['sum(rate({app="foo"}[1m]))', '{job="mysql"} |= "error"', 'count_over_time({a="b"}[5m])']),
          duration: latency,
          bytes_processed: pick(SIZES),
          length: Math.floor(r() * 500),
          line: Math.floor(r() * 1000),
          number: Math.floor(r() * 20),
          package_status: pick(['installed', 'failed', 'pending']),
          package_type: pick(['deb', 'rpm']),
          path: pick(['/var/log/syslog', 'C:\\logs\\app.log', 'a/b/c']),
          ts: new Date(time).toISOString(),
          status_code: status,
        },
        opts,
      );
    } else if (kind < 0.85) {
      const msg = pick(['request done', 'query finished', 'back\\slash in "quotes"', 'timeout waiting for flush', 'error=connection refused']);
      const parts = [
        `level=${level}`,
        `ts=${new Date(time).toISOString()}`,
        `caller=${pick(['metrics.go:84', 'engine.go:199', 'flush.go:12'])}`,
        `msg=${JSON.stringify(msg)}`,
        `app=${app}`,
        `method=${method}`,
        `path=${path}`,
        `status=${status}`,
        `duration=${latency}`,
        `latency=${pick(LATENCIES)}`,
        `throughput_mb=${Math.round(r() * 1000) / 10}`,
        `bytes=${pick(SIZES)}`,
        `addr=${ip}`,
        `org_id=${pick(['1', '2', '29'])}`,
        `query_hash=${Math.floor(r() * 1e9)}`,
        ...(i % 9 === 0 ? ['empty=', 'bare'] : []),
        ...(i % 17 === 0 ? ['msg2="bad\\escape"'] : []),
        ...(i % 19 === 0 ? ['stray"quote=1'] : []),
      ];
      emitter.emit('app.log.written:1', parts.join(' '), opts);
    } else if (kind < 0.95) {
      const d = new Date(time);
      const stamp = `${String(d.getUTCDate()).padStart(2, '0')}/Dec/2026:${d.toISOString().slice(11, 19)} +0000`;
      emitter.emit(
        'app.access.logged:1',
        `${ip} - ${pick(USERS)} [${stamp}] "${method} ${path} HTTP/1.1" ${status} ${Math.floor(r() * 10000)} "-" "${pick(['curl/8.0', 'Go-http-client/1.1', 'Mozilla/5.0'])}" ${Math.round(r() * 1000) / 1000}`,
        opts,
      );
    } else {
      const text = pick([
        `number: ${Math.floor(r() * 20)}`,
        `\u001b[31mERROR\u001b[0m failed to flush chunk for ${app}`,
        `caller=flush.go:12 level=${level} msg="flushing stream" total_bytes=${Math.floor(r() * 5000)}`,
        `kafka.server:type=ReplicaManager leader count ${Math.floor(r() * 10)}`,
        `tsdb-ops-01 io:2003 write timeout after ${latency}`,
        `panic: runtime error: index out of range [${Math.floor(r() * 5)}]`,
        `GET /api/v1/push 200 ${latency} ${ip}`,
        `{"level":"${level}","msg":"json in a string","latency":"${latency}"}`,
      ]);
      emitter.emit('app.log.written:1', text, opts);
    }
  }
  await sink.shutdown();
  return count;
}
