import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATALOG_COMMAND_HELP } from '../../src/cli/catalog.js';
import { main } from '../../src/cli/main.js';
import { createEmitter } from '../../src/emitter/emitter.js';
import { createJsonlSink } from '../../src/sinks/jsonl/index.js';
import { catalog as userCatalog } from '../fixtures/catalog/user-catalog.js';
import { capture } from './capture.js';

const MODULE = fileURLToPath(new URL('../fixtures/catalog/user-catalog.ts', import.meta.url));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'factline-catalog-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], io = capture()) {
  const code = await main(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('factline catalog', () => {
  it("lists a user catalog module's events with severity and description", async () => {
    const r = await run(['catalog', 'list', '--catalog', `${MODULE}#catalog`]);
    expect(r).toEqual({
      code: 0,
      stderr: [],
      stdout: [
        'catalog "shop": 3 events',
        'agent.code.generated:1  DEBUG  An agent wrote code.',
        'auth.login.failed:1     ERROR  A sign-in was refused.',
        'auth.user.login:1       INFO   A user signed in.',
      ],
    });
  });

  it('takes the module\'s "catalog" export (else its default) without #EXPORT', async () => {
    expect((await run(['catalog', '--catalog', MODULE])).stdout[0]).toBe('catalog "shop": 3 events');
    expect((await run(['catalog', '--catalog', `${MODULE}#default`])).stdout[0]).toBe('catalog "shop": 3 events');
  });

  it('describes one event: description, severity, PII, JSON Schema', async () => {
    const r = await run(['catalog', 'describe', 'auth.login.failed:1', '--catalog', `${MODULE}#catalog`]);
    expect(r.code).toBe(0);
    expect(r.stdout.slice(0, 4)).toEqual(['auth.login.failed:1  (ERROR)', 'A sign-in was refused.', 'personal data: user_id (hash)', 'payload JSON Schema:']);
    expect(JSON.parse(r.stdout.slice(4).join('\n'))).toEqual(userCatalog.jsonSchema('auth.login.failed:1'));
  });

  it('prints the JSON Schema alone with schema ID, and JSON with --json', async () => {
    const schema = await run(['catalog', 'schema', 'auth.user.login:1', '--catalog', MODULE]);
    expect(JSON.parse(schema.stdout.join('\n'))).toMatchObject({
      type: 'object',
      properties: { user_id: { type: 'string' }, mfa: { type: 'boolean' } },
      required: ['user_id', 'ip', 'mfa'],
    });
    const list = await run(['catalog', '--json', '--catalog', MODULE]);
    expect(JSON.parse(list.stdout[0]!)).toEqual(userCatalog.describe());
  });

  it('describes the built-in intent catalog when no --catalog is given, and says so', async () => {
    const r = await run(['catalog', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toBe('catalog "intent": 15 events');
    expect(r.stderr).toEqual(['factline catalog: no --catalog given; using the built-in "intent" catalog (give --catalog ./catalog.js#catalog for your own)']);
  });

  it.each([[['catalog', 'list', '--json']], [['catalog', 'describe', 'intent.intent.accepted:1', '--json']], [['catalog', 'lint', '--json']]])(
    '%j with no --catalog: the note is in the JSON (notes), nothing on stderr',
    async (args) => {
      const r = await run(args);
      expect(r.code).toBe(0);
      expect(r.stderr).toEqual([]);
      expect((JSON.parse(r.stdout[0]!) as { notes: string[] }).notes).toEqual([
        'no --catalog given; using the built-in "intent" catalog (give --catalog ./catalog.js#catalog for your own)',
      ]);
    },
  );

  it("schema ID --json with no --catalog: the note is the schema's $comment, nothing on stderr, and a strict validator compiles it; with --catalog the JSON Schema alone", async () => {
    const r = await run(['catalog', 'schema', 'intent.intent.accepted:1', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toEqual([]);
    const answer = JSON.parse(r.stdout.join('\n')) as { type: string; $comment: string };
    expect(answer.type).toBe('object');
    expect(answer.$comment).toBe('no --catalog given; using the built-in "intent" catalog (give --catalog ./catalog.js#catalog for your own)');
    expect(answer).not.toHaveProperty('notes');
    // Ajv in strict mode refuses unknown keywords; `$comment` is JSON Schema's own.
    const validate = new Ajv2020({ strict: true }).compile(answer);
    expect(validate({ intent_id: 'x' })).toBe(false);
    const alone = await run(['catalog', 'schema', 'auth.user.login:1', '--json', '--catalog', MODULE]);
    expect(JSON.parse(alone.stdout.join('\n'))).not.toHaveProperty('$comment');
    // Without --json the note is on stderr, as for the other actions.
    const text = await run(['catalog', 'schema', 'intent.intent.accepted:1']);
    expect(text.stderr).toEqual([
      'factline catalog: no --catalog given; using the built-in "intent" catalog (give --catalog ./catalog.js#catalog for your own)',
    ]);
    expect(JSON.parse(text.stdout.join('\n'))).not.toHaveProperty('notes');
  });

  it('every schema it prints compiles in a strict validator set up as docs/catalog.md says (formats, the x-factline-pii keyword)', async () => {
    const strict = () => {
      const ajv = new Ajv2020({ strict: true });
      ajvFormats.default(ajv); // a CommonJS module: its function is also its `default`
      ajv.addKeyword('x-factline-pii');
      return ajv;
    };
    const catalogs = [
      ['intent', []],
      ['shop', ['--catalog', MODULE]],
    ] as const;
    let marked = 0;
    for (const [name, extra] of catalogs) {
      const list = await run(['catalog', 'list', '--json', ...extra]);
      const ids = (JSON.parse(list.stdout.join('\n')) as { events: { id: string }[] }).events.map((e) => e.id);
      expect(ids.length, name).toBeGreaterThan(2);
      for (const id of ids) {
        const r = await run(['catalog', 'schema', id, '--json', ...extra]);
        expect(r.code, id).toBe(0);
        const text = r.stdout.join('\n');
        if (text.includes('x-factline-pii')) marked++;
        expect(() => strict().compile(JSON.parse(text) as object), id).not.toThrow();
      }
    }
    expect(marked).toBeGreaterThan(0); // the keyword was exercised
  });

  it('exits 1 for an EventID the catalog lacks, naming near ones', async () => {
    const r = await run(['catalog', 'describe', 'auth.user.logout:1', '--catalog', MODULE]);
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(/"auth\.user\.logout:1" is not in catalog "shop"/);
  });

  it('exits 1 for an id that is no EventID, naming the grammar rule it breaks', async () => {
    for (const [id, why] of [
      ['Signal.Foo.bar:1', "uppercase letter 'S' at position 0; identifiers are lowercase (docs/eventid.md, rule 1)"],
      ['a.b.c:0', 'version 0 at position 6; versions start at 1 (docs/eventid.md, rule 3)'],
    ]) {
      const r = await run(['catalog', 'describe', id!, '--catalog', MODULE]);
      expect(r.code).toBe(1);
      expect(r.stderr).toEqual([`factline catalog: Invalid EventID ${JSON.stringify(id)}: ${why}`]);
    }
  });

  it('exits 2 with a message naming the fix for a module that cannot serve', async () => {
    const notJs = join(dir, 'broken.mjs');
    writeFileSync(notJs, 'export const = 1;\n');
    for (const [spec, message] of [
      [join(dir, 'missing.js'), /no such file .*missing\.js/],
      ['payments', /no built-in catalog of that name \(built in: intent\) and no file/],
      [`${MODULE}#nope`, /has no export "nope"; it exports catalog, notACatalog, default/],
      [`${MODULE}#notACatalog`, /the export "notACatalog" of .* is not a catalog; export the result of defineCatalog/],
      [notJs, /cannot load .*broken\.mjs/],
    ] as const) {
      const r = await run(['catalog', 'list', '--catalog', spec]);
      expect(r.code, spec).toBe(2);
      expect(r.stderr[0]).toMatch(message);
    }
    expect(await run(['catalog', '--help'])).toMatchObject({ code: 0, stdout: [CATALOG_COMMAND_HELP] });
  });
});

describe('factline validate --catalog MODULE#EXPORT', () => {
  it("checks a user's own events file against the user's catalog", async () => {
    const file = join(dir, 'events.jsonl');
    const events = createEmitter(userCatalog, { sinks: [createJsonlSink({ path: file, fsync: 'never' })], validation: 'report', onProblem: () => {} });
    events.emit('auth.user.login:1', { user_id: 'u1', ip: '10.0.0.1', mfa: true });
    events.emit('agent.code.generated:1', { file: 'src/auth/login.ts', lines: 10, confidence: 0.9 });
    await events.shutdown();
    expect(await run(['validate', '--catalog', `${MODULE}#catalog`, file])).toEqual({ code: 0, stdout: ['ok: 2 events valid'], stderr: [] });
  });

  it("without --catalog, says that the built-in intent catalog was used and how to name the user's", async () => {
    const file = join(dir, 'events.jsonl');
    const events = createEmitter(userCatalog, { sinks: [createJsonlSink({ path: file, fsync: 'never' })] });
    events.emit('auth.user.login:1', { user_id: 'u1', ip: '10.0.0.1', mfa: true });
    await events.shutdown();
    const r = await run(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout[0]).toMatch(
      /1: event_id: unknown event id "auth\.user\.login:1"; catalog "intent" has .*; no --catalog was given, so the built-in intent catalog was used: give --catalog \.\/catalog\.js#catalog to check against yours$/,
    );
  });

  it("reports payload problems against the user's schemas", async () => {
    const file = join(dir, 'events.jsonl');
    writeFileSync(
      file,
      JSON.stringify({
        schema_version: 1,
        id: 'x',
        event_id: 'agent.code.generated:1',
        time: '2026-03-30T14:30:00.000Z',
        payload: { file: 'a', lines: 1.5, confidence: 2 },
      }) + '\n',
    );
    const r = await run(['validate', '--catalog', MODULE, file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([
      `${file}:1: payload.lines: Invalid input: expected int, received number`,
      `${file}:1: payload.confidence: Too big: expected number to be <=1`,
      '1 of 1 lines invalid',
    ]);
  });
});
