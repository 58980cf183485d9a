/**
 * The query backend options (`--file` or `--loki`) of the commands that
 * query: `query`, `feedback`, `mcp`.
 */
import { createLocalBackend } from '../query/index.js';
import { createLokiBackend, LOKI_URL_ENV } from '../query/loki.js';
import type { QueryBackend } from '../query/types.js';
import { UsageError, type Options } from './options.js';

/** The backend options every querying command takes. */
export const BACKEND_OPTIONS = {
  file: { type: 'string', multiple: true },
  loki: { type: 'string' },
  'loki-tenant': { type: 'string' },
} as const satisfies Options;

export const BACKEND_HELP = `  --file F          an events file (with its rotated F.1, F.2, ...) or a glob such as
                    'logs/*.jsonl'; repeat for more. The default engine: local, no server.
  --loki URL        ask this Loki instead (default: $${LOKI_URL_ENV} when set)
  --loki-tenant T   X-Scope-OrgID for a multi-tenant Loki`;

/** The backend the options name: `--loki` (or `FACTLINE_LOKI_URL` when no `--file` is given), else the local files. */
export function backendFrom(values: { file?: string[]; loki?: string; 'loki-tenant'?: string }, onSkip?: (file: string, line: number, reason: string) => void): QueryBackend {
  const files = values.file ?? [];
  if (values.loki !== undefined && files.length > 0) throw new UsageError('--file and --loki exclude each other: query the local files or Loki');
  const url = values.loki ?? (files.length === 0 ? process.env[LOKI_URL_ENV] : undefined);
  if (url !== undefined && url !== '') {
    return createLokiBackend({ url, ...(values['loki-tenant'] !== undefined ? { tenant: values['loki-tenant'] } : {}) });
  }
  if (files.length === 0) throw new UsageError(`no events to query: give --file F (e.g. --file .factline/events.jsonl) or --loki URL (or set ${LOKI_URL_ENV})`);
  return createLocalBackend({ files, ...(onSkip ? { onSkip } : {}) });
}
