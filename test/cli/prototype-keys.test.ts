import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { envelope } from '../query/support.js';
import { capture } from './capture.js';

/*
 * Names from a file that are also Object.prototype members: `constructor`
 * is a valid EventID identifier, and a payload may have any key. Counters
 * keyed by them count, and printed lines keep them.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-protokeys-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = capture();
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const line = (eventId: string, payload: unknown) => envelope({ event_id: eventId, time: '2026-11-30T10:00:00.000Z', payload });

describe('stats and tail with names that are Object.prototype members', () => {
  it('stats counts a domain, entity and action named constructor under that name', async () => {
    const file = join(dir, 'events.jsonl');
    writeFileSync(
      file,
      [line('constructor.constructor.constructor:1', {}), line('constructor.constructor.failed:1', {}), line('app.constructor.done:1', {})].join('\n') + '\n',
    );
    const r = await run(['stats', '--only', '--json', file]);
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout.join('\n')) as {
      domains: Record<string, { events: number; failures: number }>;
      entities: Record<string, { events: number }>;
      actions: Record<string, { events: number }>;
    };
    // Through Maps: TypeScript types `x.constructor` as Object's member.
    const domains = new Map(Object.entries(stats.domains));
    const entities = new Map(Object.entries(stats.entities));
    const actions = new Map(Object.entries(stats.actions));
    expect(domains.get('constructor')).toEqual({ events: 2, failures: 1, failure_rate: 0.5 });
    expect(entities.get('constructor.constructor')?.events).toBe(2);
    expect(entities.get('app.constructor')?.events).toBe(1);
    expect(actions.get('constructor')?.events).toBe(1);
  });

  it('query prints a series labelled __proto__ and constructor with their values, in the table and in --json', async () => {
    const file = join(dir, 'events.jsonl');
    const now = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(file, envelope({ event_id: 'app.any.seen:1', time: now, payload: JSON.parse('{"__proto__":"x","constructor":"y"}') }) + '\n');
    const q = 'sum by (__proto__, constructor) (count_over_time({service_name="factline"} | json [1h]))';
    const table = await run(['query', '--file', file, q]);
    expect(table.code).toBe(0);
    expect(table.stdout.join('\n')).toContain('{__proto__="x", constructor="y"}');
    const json = await run(['query', '--file', file, '--json', q]);
    const metric = (JSON.parse(json.stdout.join('\n')) as { data: { result: { metric: Record<string, string> }[] } }).data.result[0]!.metric;
    expect(Object.entries(metric)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });

  it('help constructor prints the general help, as for any unknown topic', async () => {
    const general = await run(['help']);
    for (const topic of ['constructor', 'toString', '__proto__']) {
      const r = await run(['help', topic]);
      expect(r.code, topic).toBe(0);
      expect(r.stdout, topic).toEqual(general.stdout);
    }
  });

  it('tail prints payload fields named __proto__, constructor and toString with their values', async () => {
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, line('app.any.seen:1', JSON.parse('{"__proto__":"x","constructor":"y","toString":{"__proto__":1}}')) + '\n');
    const r = await run(['tail', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.join('\n')).toContain('__proto__="x" constructor="y" toString={"__proto__":1}');
  });
});
