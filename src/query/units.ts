/*
 * The units of LogQL literals: Prometheus durations for ranges (`5m`, `1d`),
 * Go durations for label filters (`250ms`, `1.5h`), go-humanize byte sizes
 * (`10KB` = 10,000, `10KiB` = 10,240).
 */

const RANGE_UNITS: Record<string, bigint> = {
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
  y: 31_536_000_000_000_000n,
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
};

/** A range or offset (`5m`, `1h30m`, `1d`, `250ms`, `1.5h`) in nanoseconds. */
export function parseRangeDuration(s: string): bigint {
  const text = s.trim();
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)/gy;
  let total = 0n;
  let matched = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const [whole, num, unit] = m;
    matched += whole.length;
    const factor = RANGE_UNITS[unit!]!;
    if (num!.includes('.')) total += BigInt(Math.round(Number(num) * Number(factor)));
    else total += BigInt(num!) * factor;
  }
  if (matched !== text.length || matched === 0) throw new Error(`invalid duration ${JSON.stringify(s)}`);
  return total;
}

const GO_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/**
 * Go's `time.ParseDuration`: `[-+]?(\d*\.?\d+unit)+` or `0`, in nanoseconds;
 * undefined when it does not parse (Go's error).
 */
export function parseGoDuration(s: string): number | undefined {
  let text = s;
  let sign = 1;
  if (text.startsWith('-') || text.startsWith('+')) {
    if (text[0] === '-') sign = -1;
    text = text.slice(1);
  }
  if (text === '0') return 0;
  if (text === '') return undefined;
  const re = /(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const [whole, num, unit] = m;
    if (num === '' || num === '.') return undefined;
    matched += whole.length;
    total += Number(num) * GO_UNITS[unit!]!;
  }
  if (matched !== text.length || matched === 0) return undefined;
  return sign * Math.round(total);
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  '': 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  p: 1e15,
  pb: 1e15,
  e: 1e18,
  eb: 1e18,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
  pi: 1024 ** 5,
  pib: 1024 ** 5,
  ei: 1024 ** 6,
  eib: 1024 ** 6,
};

/** go-humanize's `ParseBytes`: `42`, `10KB`, `1.5 MiB`, `5 kb`; undefined when it does not parse. */
export function parseBytes(s: string): number | undefined {
  const m = /^\s*([0-9.,]*\d[0-9.,]*)\s*([a-zA-Z]*)\s*$/.exec(s);
  if (m === null) return undefined;
  const num = Number(m[1]!.replace(/,/g, ''));
  const name = m[2]!.toLowerCase();
  const unit = Object.hasOwn(BYTE_UNITS, name) ? BYTE_UNITS[name] : undefined;
  if (Number.isNaN(num) || unit === undefined) return undefined;
  return Math.floor(num * unit);
}
