import { decodeLogfmt } from './logfmt.js';

/*
 * Loki's distributor adds `detected_level` to every entry
 * (`limits_config.discover_log_levels`, on by default): from a level label or
 * structured metadata field (`severity_text` for OTLP records), else from the
 * OTLP severity number, else from the line (a JSON or logfmt level field,
 * else the first level word in the text). pkg/distributor/field_detection.go.
 */

/** Loki's `DefaultAllowedLevelFields`, in its order. */
const LEVEL_FIELDS = [
  'level',
  'LEVEL',
  'Level',
  'log.level',
  'severity',
  'SEVERITY',
  'Severity',
  'SeverityText',
  'lvl',
  'LVL',
  'Lvl',
  'severity_text',
  'Severity_Text',
  'SEVERITY_TEXT',
];
const LEVEL_FIELD_SET = new Set(LEVEL_FIELDS);
/** `log_level_from_json_max_depth` default: the first two levels of a JSON object. */
const JSON_MAX_DEPTH = 2;

/** Loki's normalizeLogLevel: known spellings to the canonical lowercase level, anything else unchanged. */
export function normalizeLevel(level: string): string {
  const l = level.toLowerCase();
  switch (l) {
    case 'trace':
    case 'trc':
      return 'trace';
    case 'debug':
    case 'dbg':
      return 'debug';
    case 'info':
    case 'inf':
    case 'information':
      return 'info';
    case 'warn':
    case 'wrn':
    case 'warning':
      return 'warn';
    case 'error':
    case 'err':
      return 'error';
    case 'critical':
      return 'critical';
    case 'fatal':
      return 'fatal';
    default:
      return level;
  }
}

/** The level of an OTLP severity number (1-4 trace ... 21-24 fatal). */
function levelOfSeverityNumber(n: number): string {
  if (n === 0) return 'unknown';
  if (n <= 4) return 'trace';
  if (n <= 8) return 'debug';
  if (n <= 12) return 'info';
  if (n <= 16) return 'warn';
  if (n <= 20) return 'error';
  if (n <= 24) return 'fatal';
  return 'unknown';
}

const LEVEL_WORDS: [string, string][] = [
  ['trace', 'trace'],
  ['debug', 'debug'],
  ['fatal', 'fatal'],
  ['critical', 'critical'],
  ['error', 'error'],
  ['err', 'error'],
  ['warning', 'warn'],
  ['warn', 'warn'],
  ['info', 'info'],
];
const LEFT_BOUNDARY = new Set([' ', '\t', '\n', '[', '(', '{', '"', "'", '=', '|']);
const RIGHT_BOUNDARY = new Set([' ', '\t', '\n', '[', ']', '(', ')', '{', '}', ':', ',', '!', '"', "'", '=', '|']);

function indexOfBounded(log: string, word: string): number {
  let offset = 0;
  for (;;) {
    const pos = log.indexOf(word, offset);
    if (pos < 0) return -1;
    const left = pos === 0 || LEFT_BOUNDARY.has(log[pos - 1]!);
    const end = pos + word.length;
    const right = end >= log.length || RIGHT_BOUNDARY.has(log[end]!);
    if (left && right) return pos;
    offset = pos + 1;
  }
}

function levelFromText(line: string): string {
  const lower = line.toLowerCase();
  let idx = lower.length;
  let best = 'unknown';
  for (const [word, level] of LEVEL_WORDS) {
    const pos = indexOfBounded(lower, word);
    if (pos === -1 || pos >= idx) continue;
    idx = pos;
    best = level;
    if (idx === 0) break;
  }
  return best;
}

/** The first string field named like a level, depth first in key order, within two levels. */
function levelFieldOf(value: unknown, depth: number): string | undefined {
  if (depth >= JSON_MAX_DEPTH || typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string') {
      if (LEVEL_FIELD_SET.has(key)) return v;
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const inner = levelFieldOf(v, depth + 1);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

const KNOWN = new Set(['trace', 'trc', 'debug', 'dbg', 'info', 'inf', 'information', 'warn', 'wrn', 'warning', 'error', 'err', 'critical', 'fatal']);

/**
 * `detected_level` of an entry.
 *
 * @param metadata the entry's structured metadata (OTLP `severity_text`, `severity_number`, ...)
 * @param body the body value the line was rendered from (a JSON object's line is searched as JSON)
 * @param line the line
 */
export function detectLevel(metadata: Record<string, string>, body: unknown, line: () => string): string {
  for (const f of LEVEL_FIELDS) {
    const v = metadata[f];
    if (v !== undefined) return normalizeLevel(v);
  }
  const num = metadata.severity_number;
  if (num !== undefined) {
    const n = Number.parseInt(num, 10);
    return Number.isNaN(n) ? 'info' : levelOfSeverityNumber(n);
  }
  let v: string | undefined;
  const text = line();
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) v = levelFieldOf(body, 0);
  else if (text.includes('=')) {
    // Loki's getValueUsingLogfmtParser stops at the decoder's first error.
    const { pairs, pairsBeforeError } = decodeLogfmt(text);
    let pos = LEVEL_FIELDS.length;
    for (const p of pairs.slice(0, pairsBeforeError)) {
      for (let x = 0; x < pos; x++) {
        if (p.key.toLowerCase() === LEVEL_FIELDS[x]!.toLowerCase()) {
          v = p.value;
          pos = x;
          break;
        }
      }
      if (pos === 0) break;
    }
  }
  if (v !== undefined && KNOWN.has(v.toLowerCase())) return normalizeLevel(v);
  return levelFromText(text);
}
