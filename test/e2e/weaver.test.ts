import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { afterAll, describe, expect, it } from 'vitest';
import { runIntentLoop } from '../../examples/intent-loop.js';
import { main } from '../../src/cli/main.js';
import { capture } from '../cli/capture.js';
import { freePort } from '../integration/support/collector.js';

/*
 * The Weaver registries factline exports, checked by the real OpenTelemetry
 * Weaver (docs/catalog.md, "Checking it with the real Weaver"):
 * `weaver registry check` on the committed Intent registry and on the test
 * catalogs' exports, and `weaver registry live-check` on the OTLP/gRPC the
 * Intent demo loop emits through factline's pipeline. Weaver is not a
 * dependency: FACTLINE_WEAVER_BIN names its binary; without it the suite
 * skips and says why.
 */
const WEAVER = process.env.FACTLINE_WEAVER_BIN;
const SKIP =
  WEAVER === undefined || WEAVER === ''
    ? 'FACTLINE_WEAVER_BIN is not set: build Weaver (cargo build --release in its repository) and give its binary'
    : undefined;
if (SKIP !== undefined) console.warn(`weaver.test.ts skipped: ${SKIP}`);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/catalog/contract-catalogs.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'factline-weaver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(registry: string): { status: number | null; output: string } {
  const r = spawnSync(WEAVER!, ['registry', 'check', '-r', registry], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Every warning `weaver registry check` printed, by its first line. */
const warnings = (output: string): string[] => [...output.matchAll(/⚠ (.*)/g)].map((m) => m[1]!);

describe.skipIf(SKIP !== undefined)('the real Weaver', () => {
  it('weaver registry check accepts the committed Intent registry; its only warnings are string attributes without examples', () => {
    const r = check('contracts/intent/weaver');
    expect(r.output).toContain('No `after_resolution` policy violation');
    expect(r.status).toBe(0);
    for (const w of warnings(r.output)) expect(w).toMatch(/^The attribute `[a-z_.]+` in the group `registry\.intent\.payload`/);
  });

  it.each(['released', 'compatible', 'breaking', 'topics'])('weaver registry check accepts the export of the test catalog %s', async (name) => {
    const out = join(dir, name);
    const io = capture();
    expect(await main(['catalog', 'export', '--catalog', `${FIXTURES}#${name}`, '--format', 'weaver', '--out', out], io)).toBe(0);
    const r = check(out);
    expect(r.output).toContain('No `after_resolution` policy violation');
    expect(r.status).toBe(0);
  });

  it('weaver registry live-check finds every event name, attribute and type factline emits in the Intent registry', async () => {
    const port = await freePort();
    const admin = await freePort();
    const out = join(dir, 'live-check');
    const weaver = spawn(
      WEAVER!,
      [
        'registry',
        'live-check',
        '-r',
        'contracts/intent/weaver',
        '--otlp-grpc-address',
        '127.0.0.1',
        '--otlp-grpc-port',
        String(port),
        '--admin-port',
        String(admin),
        '--inactivity-timeout',
        '5',
        '--format',
        'json',
        '--output',
        out,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    weaver.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((done) => weaver.on('exit', (code) => done(code)));
    // Weaver prints how to stop it once its OTLP receiver listens.
    for (let i = 0; i < 600 && !stderr.includes('The OTLP receiver will stop'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain('The OTLP receiver will stop');
    const intent = await runIntentLoop({
      serviceName: 'intent-weaver-live-check',
      logExporter: new OTLPLogExporter({ url: `http://127.0.0.1:${port}` }),
      spanExporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}` }),
      validation: 'strict',
      shutdownOnExit: false,
      registerGlobals: false,
    });
    await intent.shutdown();
    expect(intent.stats().problems).toEqual({});
    await exited;
    const report = JSON.parse(readFileSync(join(out, 'live_check.json'), 'utf8')) as {
      statistics: Record<string, unknown> & {
        total_entities_by_type: Record<string, number>;
        advice_type_counts: Record<string, number>;
        advice_message_counts: Record<string, number>;
        seen_registry_events: Record<string, number>;
        seen_non_registry_events: Record<string, number>;
      };
    };
    const s = report.statistics;
    expect(s.total_entities_by_type.log).toBe(intent.stats().emitted);
    expect(s.total_entities_by_type.span_event).toBeGreaterThan(0);
    // Every event name is in the registry.
    expect(Object.keys(s.seen_non_registry_events)).toEqual([]);
    expect(Object.keys(s.seen_registry_events).length).toBeGreaterThan(0);
    // No type mismatch, no undefined enum value, no missing event.
    expect(Object.keys(s.advice_type_counts).sort()).toEqual([
      'conditionally_required_attribute_not_present',
      'missing_attribute',
      'missing_namespace',
      'not_stable',
    ]);
    // The only attributes Weaver does not find are the resource's (no dependency on the semantic conventions).
    const missing = Object.keys(s.advice_message_counts)
      .filter((m) => m.includes('does not exist in the registry'))
      .map((m) => /'([^']+)'/.exec(m)![1]!);
    for (const a of missing) expect(a).toMatch(/^(service\.|telemetry\.sdk\.)/);
  }, 120_000);
});
