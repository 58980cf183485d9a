import { describe, expect, it } from 'vitest';
import { createEmitter, resolveServiceName } from '../../src/emitter/index.js';
import type { EmitterOptions } from '../../src/emitter/options.js';
import { authCatalog } from '../fixtures-catalog.js';
import { setupFactline, type FactlineOptions } from '../../src/setup.js';
import { createJsonlSink, type JsonlSinkOptions } from '../../src/sinks/jsonl/index.js';
import { checkDeliveryOptions, type DurableDeliveryOptions } from '../../src/delivery/delivery-options.js';

describe('emitter options are checked at set-up', () => {
  it('refuses validation "lenient", naming strict, report and off', () => {
    expect(() => createEmitter(authCatalog, { validation: 'lenient' as never })).toThrow(
      'validation: "lenient" is not a validation mode; use strict, report or off',
    );
  });

  it.each<[string, EmitterOptions, RegExp]>([
    ['sinks that is not an array', { sinks: {} as never }, /sinks: an object is not allowed; pass an array of sinks/],
    ['a sink without write', { sinks: [{ name: 'x' } as never] }, /sinks\[0\].*write\(event, type\)/],
    [
      'a source of an unknown type',
      { source: { type: 'alien' } as never },
      /^source.type: "alien" is not one of the source types user, child_agent, tool, runtime, external_outcome, manual_correction$/,
    ],
    [
      'a source that is a string',
      { source: 'user' as never },
      /^source: "user" is not a source; pass an object \{ type, \.\.\. \} whose type is one of user, child_agent/,
    ],
    ['a source without a type', { source: { name: 'x' } as never }, /^source.type is missing; a source's type is one of user, child_agent, tool/],
    ['a source whose type is a number', { source: { type: 1 } as never }, /^source.type: 1 is not one of the source types user/],
    [
      'a child_agent source without its model',
      { source: { type: 'child_agent' } as never },
      /^source.model is missing; a child_agent source needs model, a non-empty string$/,
    ],
    ['a tool source whose name is a number', { source: { type: 'tool', name: 7 } as never }, /^source.name: 7 is not allowed; pass a non-empty string$/],
    ['a user source with an empty id', { source: { type: 'user', id: '' } }, /^source.id: "" is not allowed; pass a non-empty string$/],
    [
      'a tool source with a model',
      { source: { type: 'tool', name: 'git', model: 'm' } as never },
      /^source.model is not a member of a tool source; its other members are name$/,
    ],
    [
      'a runtime source with an id',
      { source: { type: 'runtime', id: 'x' } as never },
      /^source.id is not a member of a runtime source; its other members are name$/,
    ],
    ['a numeric sessionId', { sessionId: 1 as never }, /sessionId: 1 is not allowed; pass a non-empty string/],
    ['an empty serviceName', { serviceName: '' }, /serviceName: "" is not allowed; pass a non-empty string/],
    ['a whitespace serviceName', { serviceName: '  ' }, /serviceName: " {2}" is not allowed; pass a non-empty string/],
    ['an empty sessionId', { sessionId: '' }, /sessionId: "" is not allowed; pass a non-empty string/],
    ['a whitespace sessionId', { sessionId: '\t' }, /sessionId: "\\t" is not allowed; pass a non-empty string/],
    ['a numeric piiKey', { piiKey: 1 as never }, /piiKey: 1 is not allowed; pass a string/],
    ['an empty include pattern', { filter: { include: [''] } }, /filter.include: an array is not allowed; pass an array of % patterns/],
    ['a fractional maxPayloadBytes', { maxPayloadBytes: 1.5 }, /maxPayloadBytes must be a positive whole number of bytes, got 1.5/],
    ['a zero maxPayloadBytes', { maxPayloadBytes: 0 }, /maxPayloadBytes must be a positive whole number/],
    ['an onProblem that is not a function', { onProblem: 'log' as never }, /onProblem: "log" is not allowed; pass a function/],
    [
      'an unknown minSeverity',
      { filter: { minSeverity: 'NOTICE' as never } },
      /filter.minSeverity: "NOTICE" is not allowed; use one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL/,
    ],
    ['include that is a string', { filter: { include: 'auth.%' as never } }, /filter.include: "auth.%" is not allowed; pass an array of % patterns/],
    [
      'an include pattern no EventID can match',
      { filter: { include: ['auth.%', 'Auth.%'] } },
      /filter.include\[1\]: "Auth.%" matches no EventID: uppercase letter 'A' at position 0; identifiers are lowercase \(docs\/eventid.md, rule 1\)/,
    ],
    ['an exclude pattern with version 0', { filter: { exclude: ['%:0'] } }, /filter.exclude\[0\]: "%:0" matches no EventID: version 0 at position 2/],
  ])('refuses %s with the allowed values in the message', (_, options, message) => {
    expect(() => createEmitter(authCatalog, options)).toThrow(message);
  });

  it('accepts every source type with its members', () => {
    for (const source of [
      { type: 'user', id: 'u1' },
      { type: 'child_agent', model: 'claude-sonnet-4', name: 'coder' },
      { type: 'tool', name: 'git' },
      { type: 'runtime' },
      { type: 'external_outcome', name: 'ci' },
      { type: 'manual_correction' },
    ] as const) {
      expect(() => createEmitter(authCatalog, { source })).not.toThrow();
    }
  });

  it('leaves options it does not know to the caller (setupFactline passes its own through)', () => {
    expect(() => createEmitter(authCatalog, { file: true } as never)).not.toThrow();
  });
});

describe('setupFactline options are checked at set-up', () => {
  // Set-up may throw; an option that behaved like a default (file: '' wrote no events file) may not.
  it.each<[string, FactlineOptions, RegExp]>([
    ['an empty file path', { file: '' }, /^file: "" is not allowed; pass true, false, a non-empty path or \{ path, fsync, \.\.\. \}$/],
    ['a whitespace file path', { file: '   ' }, /^file: " {3}" is not allowed; pass true, false, a non-empty path/],
    ['a numeric file', { file: 1 as never }, /^file: 1 is not allowed; pass true, false, a non-empty path/],
    ['an empty path in file options', { file: { path: '' } }, /createJsonlSink: path: "" is not allowed; pass a non-empty path/],
    ['otlp "no"', { otlp: 'no' as never }, /^otlp: "no" is not allowed; pass true or false$/],
    ['shutdownOnExit 0', { shutdownOnExit: 0 as never }, /^shutdownOnExit: 0 is not allowed; pass true or false$/],
    ['registerGlobals "false"', { registerGlobals: 'false' as never }, /^registerGlobals: "false" is not allowed; pass true or false$/],
    ['logger "globl"', { logger: 'globl' as never }, /^logger: "globl" is not allowed; pass "global" or a Logger/],
    ['spanEvents "all"', { spanEvents: 'all' as never }, /^spanEvents: "all" is not allowed; use "payload", "envelope" or false$/],
    ['console "stdout"', { console: 'stdout' as never }, /^console: "stdout" is not allowed; pass true, false or/],
    ['an empty serviceVersion', { serviceVersion: '' }, /^serviceVersion: "" is not allowed; pass a non-empty string$/],
    ['an empty spool dir', { spool: { dir: '' } }, /^spool.dir: "" is not allowed; pass a non-empty path$/],
    ['a spool that is a string', { spool: '/var/spool' as never }, /^spool: "\/var\/spool" is not allowed; pass \{ dir, maxBytes\? \}$/],
    ['an empty dead-letter path', { delivery: { deadLetterPath: ' ' } }, /^delivery.deadLetterPath: " " is not allowed; pass a non-empty path$/],
    ['a batch size of 0', { delivery: { maxExportBatchSize: 0 } }, /^delivery.maxExportBatchSize: 0 is not allowed; pass a whole number ≥ 1$/],
    ['a timeout given as a string', { delivery: { timeoutMillis: '10' as never } }, /^delivery.timeoutMillis: "10" is not allowed; pass a finite number ≥ 0$/],
    ['a negative backoff', { delivery: { backoff: { initialMillis: -1 } } }, /^delivery.backoff.initialMillis: -1 is not allowed/],
    // Names it does not know: plain JavaScript has no type check to catch them.
    ['an unknown option', { bogus: 1 } as never, /^bogus: not an option of setupFactline \(its options: console, delivery, file, /],
    ['a miscased option', { servicename: 'x' } as never, /^servicename: not an option of setupFactline; did you mean serviceName\?/],
    ['an option of createEmitter only', { sinks: [], resolveTrace: () => undefined } as never, /^resolveTrace: not an option of setupFactline/],
    // One level down, the same.
    [
      'a misspelt spool option',
      { spool: { dir: '/tmp/s', maxbytes: 1 } } as never,
      /^spool\.maxbytes: not an option of the spool option; did you mean maxBytes\? \(its options: dir, maxBytes\)$/,
    ],
    [
      'a misspelt delivery option',
      { delivery: { timeoutMilis: 5 } } as never,
      /^delivery\.timeoutMilis: not an option of the delivery options \(its options: /,
    ],
    [
      'a misspelt backoff option',
      { delivery: { backoff: { maxmillis: 5 } } } as never,
      /^delivery\.backoff\.maxmillis: not an option of the backoff options; did you mean maxMillis\?/,
    ],
    ['a misspelt file option', { file: { pth: 'a.jsonl' } } as never, /^createJsonlSink: pth: not an option of createJsonlSink \(its options: /],
    [
      'a misspelt filter option',
      { filter: { includes: ['a.%'] } } as never,
      /^filter\.includes: not an option of the filter option \(its options: exclude, include, minSeverity\)$/,
    ],
    ['a misspelt console option', { console: { colour: true } } as never, /^console\.colour: not an option of the console sink \(its options: /],
  ])('refuses %s, naming the option and the accepted values', (_, options, message) => {
    expect(() => setupFactline(authCatalog, { otlp: false, shutdownOnExit: false, ...options })).toThrow(message);
  });

  it('refuses the same values when the pipeline is on, before any pipeline is built', () => {
    expect(() => setupFactline(authCatalog, { shutdownOnExit: false, spool: { dir: '' } })).toThrow(/^spool.dir: "" is not allowed/);
  });
});

describe('createJsonlSink options are checked at set-up', () => {
  it.each<[string, JsonlSinkOptions, RegExp]>([
    ['an empty path', { path: '' }, /createJsonlSink: path: "" is not allowed; pass a non-empty path/],
    ['a numeric path', { path: 3 as never }, /createJsonlSink: path: 3 is not allowed; pass a non-empty path/],
    ['an empty name', { name: '' }, /createJsonlSink: name: "" is not allowed; pass a non-empty string/],
    ['chain "yes"', { chain: 'yes' as never }, /createJsonlSink: chain: "yes" is not allowed; pass true or false/],
    ['a format that is not a function', { format: {} as never }, /createJsonlSink: format: an object is not allowed; pass a function/],
    ['fileMode 0o1000', { fileMode: 0o1000 }, /createJsonlSink: fileMode: 512 is not allowed; pass permission bits from 0o000 to 0o777/],
    ['maxBytes "1"', { maxBytes: '1' as never }, /createJsonlSink: maxBytes must be a finite number ≥ 0, got 1/],
  ])('refuses %s', (_, options, message) => {
    expect(() => createJsonlSink(options)).toThrow(message);
  });
});

describe('delivery options are checked at set-up', () => {
  it.each<[string, DurableDeliveryOptions, RegExp]>([
    ['an empty spool dir', { spool: { dir: '' } }, /^spool.dir: "" is not allowed; pass a non-empty path$/],
    ['spoolFsync "true"', { spoolFsync: 'true' as never }, /^spoolFsync: "true" is not allowed; pass true or false$/],
    ['maxConcurrentExports 1.5', { maxConcurrentExports: 1.5 }, /^maxConcurrentExports: 1.5 is not allowed; pass a whole number ≥ 1$/],
    ['flushTimeoutMillis NaN', { flushTimeoutMillis: Number.NaN }, /^flushTimeoutMillis: NaN is not allowed; pass a finite number ≥ 0$/],
  ])('refuses %s', (_, options, message) => {
    expect(() => checkDeliveryOptions(options)).toThrow(message);
  });
});

describe('service name', () => {
  it('follows the OpenTelemetry order: option, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, unknown_service:node', () => {
    const env = { OTEL_SERVICE_NAME: 'from-env', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=from%20attrs' };
    expect(resolveServiceName('explicit', env)).toBe('explicit');
    expect(resolveServiceName(undefined, env)).toBe('from-env');
    expect(resolveServiceName(undefined, { OTEL_RESOURCE_ATTRIBUTES: env.OTEL_RESOURCE_ATTRIBUTES })).toBe('from attrs');
    expect(resolveServiceName(undefined, {})).toBe('unknown_service:node');
  });

  it('stamps service_name and catalog on every event', () => {
    const events: unknown[] = [];
    const ev = createEmitter(authCatalog, { serviceName: 'checkout', validation: 'strict', sinks: [{ name: 'r', write: (e) => void events.push(e) }] });
    ev.emit('auth.user.logout:1', { user_id: 'u', reason: 'user_initiated' });
    expect(events[0]).toMatchObject({ service_name: 'checkout', catalog: 'auth' });
  });
});
