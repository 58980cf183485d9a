/*
 * A small service that declares an auth catalog and emits it: logins,
 * a lock-out, a logout, and an AI agent generating code and running tests.
 * Run it with `npm run example:auth`. It writes to the console and to
 * `.factline/auth-events.jsonl`; with OTEL_EXPORTER_OTLP_ENDPOINT set it also
 * ships to that Collector.
 */
import { z } from 'zod';
import { defineCatalog, setupFactline } from '../src/index.js';

export const catalog = defineCatalog(
  {
    'auth.user.login:1': {
      schema: z.object({ user_id: z.uuid(), ip: z.string(), method: z.enum(['password', 'oauth']), mfa: z.boolean() }),
      description: 'A user signed in.',
    },
    'auth.user.locked:1': {
      schema: z.object({ user_id: z.uuid(), attempts: z.int().positive(), duration_mins: z.int().positive() }),
      description: 'Too many failed attempts locked the account.',
    },
    'auth.user.logout:1': { schema: z.object({ user_id: z.uuid(), reason: z.string() }), description: 'A user signed out.' },
    'agent.code.generated:1': {
      schema: z.object({ file: z.string(), lines: z.int().nonnegative(), model: z.string(), confidence: z.number().min(0).max(1) }),
      description: 'An agent wrote code.',
    },
    'agent.test.passed:1': { schema: z.object({ test: z.string() }), description: 'A test run passed.' },
    'agent.test.failed:1': { schema: z.object({ test: z.string(), reason: z.string() }), description: 'A test run failed.' },
  },
  { name: 'auth-demo' },
);

export async function runAuthService(file = '.factline/auth-events.jsonl'): Promise<void> {
  const factline = setupFactline(catalog, {
    serviceName: 'auth-demo',
    otlp: Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT),
    file,
    console: true,
  });
  const agent = { type: 'child_agent' as const, model: 'claude-3.5-sonnet' };
  factline.emit('auth.user.login:1', { user_id: '550e8400-e29b-41d4-a716-446655440000', ip: '192.168.1.42', method: 'password', mfa: true });
  factline.emit('auth.user.login:1', { user_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7', ip: '10.0.0.55', method: 'oauth', mfa: false });
  factline.emit('auth.user.locked:1', { user_id: 'a1b2c3d4-0000-4000-8000-000000000001', attempts: 5, duration_mins: 30 });
  factline.emit('auth.user.logout:1', { user_id: '550e8400-e29b-41d4-a716-446655440000', reason: 'user_initiated' });
  const gen = factline.emit(
    'agent.code.generated:1',
    { file: 'src/auth/login.rs', lines: 47, model: 'claude-3.5-sonnet', confidence: 0.94 },
    { source: agent },
  );
  factline.emit('agent.test.failed:1', { test: 'generated_code_tests', reason: 'assertion failed at line 34' }, { source: agent, causedBy: gen });
  const regen = factline.emit(
    'agent.code.generated:1',
    { file: 'src/auth/login.rs', lines: 52, model: 'claude-3.5-sonnet', confidence: 0.91 },
    { source: agent, causedBy: gen },
  );
  factline.emit('agent.test.passed:1', { test: 'generated_code_tests' }, { source: agent, causedBy: regen });
  await factline.shutdown();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runAuthService();
}
