/*
 * The telemetry module of examples/node-sdk-service.ts, loaded before the
 * service with `node --import`, as the OpenTelemetry JS documentation asks
 * of ES-module services (the HTTP instrumentation has to be in place before
 * `node:http` is imported). factline is set up here before `sdk.start()`:
 * with `logger: 'global'` it finds the SDK's LoggerProvider once the SDK has
 * registered it, so the order does not matter.
 */
import { register } from 'node:module';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { z } from 'zod';
import { defineCatalog, setupFactline } from '../src/index.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

export const catalog = defineCatalog({
  'auth.user.login:1': z.object({ user_id: z.uuid(), ip: z.string(), method: z.enum(['password', 'oauth']), mfa: z.boolean() }),
  'auth.user.locked:1': { schema: z.object({ user_id: z.uuid(), attempts: z.int() }), description: 'Too many failed attempts.' },
});

export const factline = setupFactline(catalog, { logger: 'global' });

// Exporters, endpoint and protocol come from the standard OTEL_* variables.
export const sdk = new NodeSDK({ serviceName: 'auth', instrumentations: [new HttpInstrumentation()] });
sdk.start();
