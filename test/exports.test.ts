import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/*
 * Every entry point of the package map (package.json "exports") and the
 * run-time names it exports, pinned: a name added to or dropped from a
 * public entry is a deliberate edit here, never a side effect. Types are
 * erased at run time; the type tests and `tsc` over the tests cover them.
 * An entry is loaded from its source, the file its built `import` target is
 * compiled from.
 */
const PINNED: Record<string, readonly string[]> = {
  '.': [
    'CatalogError',
    'CatalogLockError',
    'DurableLogRecordProcessor',
    'DurableSpanProcessor',
    'EVENT_ID_JSON_SCHEMA',
    'EXIT_UNDELIVERED',
    'EventIdError',
    'FactlineValidationError',
    'VERSION',
    'assertCatalogLocked',
    'checkCatalog',
    'combineCatalogs',
    'createConsoleSink',
    'createEmitter',
    'createJsonlSink',
    'createLogExporter',
    'createOtelPipeline',
    'createOtelSink',
    'createOtlpHttpTransport',
    'createSpanExporter',
    'defineCatalog',
    'eventId',
    'formatCatalogLock',
    'formatEventId',
    'hashPiiValue',
    'isEventId',
    'lintCatalog',
    'lockCatalog',
    'matchesPattern',
    'parseCatalogLock',
    'parseEventId',
    'readEvents',
    'safeParseEventId',
    'setupFactline',
    'stopOnSignals',
    'verifyChain',
    'verifyChainFiles',
    'weaverRegistry',
  ],
  './eventid': [
    'EVENT_ID_ERROR_CODES',
    'EVENT_ID_JSON_SCHEMA',
    'EVENT_ID_PATTERN',
    'EventIdError',
    'MAX_EVENT_ID_VERSION',
    'PATTERN_CACHE_SIZE',
    'compilePattern',
    'eventId',
    'formatEventId',
    'isEventId',
    'matchesPattern',
    'parseEventId',
    'safeParseEventId',
  ],
  './otel': [
    'KeyedIdGenerator',
    'createLogExporter',
    'createOtelPipeline',
    'createOtelSink',
    'createSpanExporter',
    'eventAttributes',
    'hostLogger',
    'idsForTraceKey',
    'payloadAttributes',
    'toLogRecord',
    'toSpanEvent',
  ],
  './intent': [
    'FAILING_ASSERTION_FIELDS',
    'INTENT',
    'INTENT_EVENTS_FILE',
    'INTENT_EVENT_ID_BY_WIRE_NAME',
    'INTENT_EVENT_TYPES',
    'INTENT_FIELD_ORDER',
    'INTENT_SPANS',
    'INTENT_SPAN_ATTR',
    'INTENT_TRACEQL',
    'SYSTEM_ERROR_TYPES',
    'assertionPassRate',
    'assertionPassRateByName',
    'clusterSizes',
    'contractDurationQuantile',
    'contractSpans',
    'contractsByAgent',
    'countByEvent',
    'createIntentFileSink',
    'createIntentTracing',
    'emitSystemErrors',
    'errorContractSpans',
    'failingAssertionSpans',
    'failingAssertions',
    'healthFigure',
    'importIntentEvents',
    'intentCatalog',
    'intentFlatFormat',
    'memoryUsagePercent',
    'parseIntentLine',
    'payloadFigure',
    'promotionsAndDismissals',
    'readIntentFile',
    'setupIntent',
    'signalsBySource',
    'startHeartbeat',
    'systemErrorsByCode',
    'toIntentFlat',
    'trustScoreBySignal',
  ],
  './query-builders': [
    'AUTO',
    'FAILURES_PATTERN',
    'FAILURE_ACTION_REGEX',
    'INTERVAL',
    'LOKI',
    'QueryInputError',
    'RANGE',
    'TRACEQL',
    'agentEventCount',
    'agentFailures',
    'countBy',
    'countByPattern',
    'duration',
    'escapeRegex',
    'eventNameOf',
    'eventsByPattern',
    'eventsOfTrace',
    'eventsOfTraceKey',
    'failureShare',
    'failures',
    'grafanaVariable',
    'invalidCount',
    'invalidEvents',
    'isGrafanaVariable',
    'logqlString',
    'patternRegex',
    'patternStages',
    'quantile',
    'spansWithEventId',
    'traceSpansByKey',
    'traceqlString',
    'translatePattern',
    'versionsInUse',
  ],
  './query-runner': [
    'DEFAULT_MAX_ENTRIES_LIMIT_PER_QUERY',
    'DEFAULT_MAX_QUERY_SERIES',
    'LOKI_URL_ENV',
    'QueryError',
    'createEntry',
    'createLocalBackend',
    'createLokiBackend',
    'factlineEnvelopeFormat',
    'parseQuery',
  ],
  './cli': ['main', 'runCli'],
  './feedback': ['DEFAULT_FAILURE_PATTERN', 'DEFAULT_LAST', 'GROUP_LABEL', 'MAX_LAST', 'agentFeedback', 'attemptsQuery', 'feedbackSentence', 'outcomesQuery'],
  './mcp': ['DEFAULT_MAX_REPLY_BYTES', 'DEFAULT_MAX_REQUEST_BYTES', 'createFactlineMcpServer', 'createStdioTransport'],
};

// The old names, kept one release as deprecated aliases: the same names as the new entries.
PINNED['./queries'] = PINNED['./query-builders']!;
PINNED['./query'] = PINNED['./query-runner']!;

/**
 * Entry points being built on other branches: checked when the export map
 * has them (they load and export something), pinned once they settle.
 */
const UNSETTLED = new Set<string>([]);

/** Names no entry point may export: internals a test reaches by relative import. */
const INTERNAL = [
  'canonicalJson',
  'computeRecordHash',
  'checkJsonSafety',
  'resolveValidationMode',
  'severityForAction',
  'formatIssues',
  'ATTR',
  'INSTRUMENTATION_SCOPE',
  'ENVELOPE_SCHEMA_VERSION',
];

type Target = string | { import?: string; default?: string; types?: string; require?: string | { default?: string } };
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, Target> };
const entries = Object.entries(pkg.exports).filter(([name]) => name !== './package.json');

/** `./dist/src/x/index.js` → the URL of `src/x/index.ts`. */
function sourceOf(target: Target): URL {
  const built = typeof target === 'string' ? target : (target.import ?? target.default);
  if (built === undefined) throw new Error(`no import target in ${JSON.stringify(target)}`);
  return new URL('../' + built.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'), import.meta.url);
}

describe('the package exports', () => {
  it('are the pinned entry points, and those being built elsewhere', () => {
    const names = entries.map(([name]) => name);
    for (const name of Object.keys(PINNED)) expect(names, name).toContain(name);
    for (const name of names) expect(name in PINNED || UNSETTLED.has(name), `${name}: pin its names in test/exports.test.ts`).toBe(true);
  });

  it.each(entries.map(([name, target]) => [name, target] as const))(
    '%s exports exactly its pinned run-time names',
    async (name, target) => {
      const module = (await import(sourceOf(target).href)) as Record<string, unknown>;
      const exported = Object.keys(module).sort();
      for (const internal of INTERNAL) expect(exported, name).not.toContain(internal);
      if (UNSETTLED.has(name) && !(name in PINNED)) {
        expect(exported.length, name).toBeGreaterThan(0);
        return;
      }
      expect(exported).toEqual([...PINNED[name]!].sort());
      // Loading an entry compiles its whole module graph on first import: slow on a loaded machine, not a hang.
    },
    60_000,
  );

  it('give ./intent the Intent file readers that docs/intent.md and the CHANGELOG promise', async () => {
    const intent = (await import('../src/intent/index.js')) as Record<string, unknown>;
    for (const name of ['parseIntentLine', 'readIntentFile', 'importIntentEvents']) expect(typeof intent[name], name).toBe('function');
  });

  it('keep Intent out of the generic query library', async () => {
    const queries = (await import('../src/queries/index.js')) as Record<string, unknown>;
    for (const name of Object.keys(queries)) expect(name, name).not.toMatch(/intent|assertion|contract|signal/i);
  });
});
