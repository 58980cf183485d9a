import { describe, expect, it } from 'vitest';
import { createEmitter, resolveServiceName } from '../../src/emitter/index.js';
import type { EmitterOptions } from '../../src/emitter/options.js';
import { authCatalog } from '../fixtures-catalog.js';

describe('emitter options are checked at set-up', () => {
  it('refuses validation "lenient", naming strict, report and off', () => {
    expect(() => createEmitter(authCatalog, { validation: 'lenient' as never })).toThrow(
      'validation: "lenient" is not a validation mode; use strict, report or off',
    );
  });

  it.each<[string, EmitterOptions, RegExp]>([
    ['sinks that is not an array', { sinks: {} as never }, /sinks: an object is not allowed; pass an array of sinks/],
    ['a sink without write', { sinks: [{ name: 'x' } as never] }, /sinks\[0\].*write\(event, type\)/],
    ['a source of an unknown type', { source: { type: 'robot' } as never }, /source:.*user, child_agent, tool, runtime, external_outcome, manual_correction/],
    ['a numeric sessionId', { sessionId: 1 as never }, /sessionId: 1 is not allowed; pass a string/],
    ['an empty serviceName', { serviceName: '' }, /serviceName: "" is not allowed; pass a non-empty string/],
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

  it('leaves options it does not know to the caller (setupFactline passes its own through)', () => {
    expect(() => createEmitter(authCatalog, { file: true } as never)).not.toThrow();
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
