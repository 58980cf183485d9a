/*
 * LogQL's `ip("pattern")` filters as Loki 3.7.6 runs them (pkg/logql/log/ip.go):
 * the pattern is one address, a CIDR prefix (`192.168.0.0/16`) or a range
 * (`192.168.0.1-192.168.0.23`), IPv4 or IPv6, parsed as Go's net/netip and
 * go4.org/netipx parse them; a line or label value matches when an address
 * found in it (by Loki's scan, which looks for IPv4 and IPv6 hints without a
 * regular expression) is in the pattern.
 */

/** An address: its family's bit length and its value. */
interface Addr {
  bits: 32 | 128;
  value: bigint;
}

type Matcher =
  | { kind: 'addr'; addr: Addr }
  | { kind: 'prefix'; addr: Addr; length: number }
  | { kind: 'range'; from: Addr; to: Addr }
  /** An IPv6 address with a zone (`fe80::1%eth0`): Go parses it, and no address found in a text (which has no zone) equals it. */
  | { kind: 'none' };

/** Why an `ip()` pattern is not compiled: Loki's error, or (`unsupported`) a form this port does not read. */
export class IpPatternError extends Error {
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
  }
}

/** A compiled `ip("…")` pattern. */
export interface IpFilter {
  /** The pattern as written. */
  readonly pattern: string;
  /** True when an address in `text` is in the pattern (Loki's `ipFilter.filter`). */
  test(text: string): boolean;
}

/** Go's netip.ParseAddr on an ASCII string: IPv4 dotted decimal or IPv6; undefined when Go fails. */
function parseAddr(s: string): Addr | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') return parseIPv4(s, 0, s.length);
    if (c === ':') return parseIPv6(s);
    if (c === '%') return undefined;
  }
  return undefined;
}

/** netip's parseIPv4Fields over s[from, to): four decimal octets, no leading zero, each at most 255. */
function ipv4Octets(s: string, from: number, to: number): number[] | undefined {
  const fields: number[] = [];
  let val = 0;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && val === 0) return undefined;
      val = val * 10 + (c - 0x30);
      digits++;
      if (val > 255) return undefined;
    } else if (c === 0x2e) {
      if (i === from || i === to - 1 || s.charCodeAt(i - 1) === 0x2e) return undefined;
      if (fields.length === 3) return undefined;
      fields.push(val);
      val = 0;
      digits = 0;
    } else return undefined;
  }
  if (fields.length < 3) return undefined;
  fields.push(val);
  return fields;
}

function parseIPv4(s: string, from: number, to: number): Addr | undefined {
  const o = ipv4Octets(s, from, to);
  if (o === undefined) return undefined;
  return { bits: 32, value: BigInt(((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!) };
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** netip's parseIPv6 (a zone, `%…`, is never part of what the filter reads). */
function parseIPv6(input: string): Addr | undefined {
  if (input.includes('%')) return undefined;
  const ip = new Array<number>(16).fill(0);
  let s = 0; // offset into input
  let ellipsis = -1;
  if (input.length >= 2 && input[0] === ':' && input[1] === ':') {
    ellipsis = 0;
    s = 2;
    if (s === input.length) return { bits: 128, value: 0n };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; s + off < input.length; off++) {
      const h = hexValue(input.charCodeAt(s + off));
      if (h < 0) break;
      acc = acc * 16 + h;
      if (off > 3) return undefined;
    }
    if (off === 0) return undefined;
    if (s + off < input.length && input[s + off] === '.') {
      if ((ellipsis < 0 && i !== 12) || i + 4 > 16) return undefined;
      const o = ipv4Octets(input, s, input.length);
      if (o === undefined) return undefined;
      for (let k = 0; k < 4; k++) ip[i + k] = o[k]!;
      s = input.length;
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s += off;
    if (s === input.length) break;
    if (input[s] !== ':' || s + 1 === input.length) return undefined;
    s++;
    if (input[s] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s++;
      if (s === input.length) break;
    }
  }
  if (s !== input.length) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    for (let j = ellipsis; j < ellipsis + n; j++) ip[j] = 0;
  } else if (ellipsis >= 0) return undefined;
  let value = 0n;
  for (const b of ip) value = (value << 8n) | BigInt(b);
  return { bits: 128, value };
}

/** netip.ParsePrefix: `addr/bits`, bits in decimal without sign or leading zero, at most the family's length. */
function parsePrefix(s: string): Matcher | undefined {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return undefined;
  const addr = parseAddr(s.slice(0, slash));
  if (addr === undefined) return undefined;
  const bitsText = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(bitsText)) return undefined;
  const length = Number(bitsText);
  if (length > addr.bits) return undefined;
  return { kind: 'prefix', addr, length };
}

/** netipx.ParseIPRange: `from-to`, one family, from <= to. */
function parseRange(s: string): Matcher | undefined {
  const dash = s.indexOf('-');
  if (dash < 0) return undefined;
  const from = parseAddr(s.slice(0, dash));
  const to = parseAddr(s.slice(dash + 1));
  if (from === undefined || to === undefined || from.bits !== to.bits || to.value < from.value) return undefined;
  return { kind: 'range', from, to };
}

function contains(m: Matcher, ip: Addr): boolean {
  switch (m.kind) {
    case 'addr':
      return m.addr.bits === ip.bits && m.addr.value === ip.value;
    case 'prefix': {
      if (m.addr.bits !== ip.bits) return false;
      const shift = BigInt(ip.bits - m.length);
      return (m.addr.value ^ ip.value) >> shift === 0n;
    }
    case 'range':
      return m.from.bits === ip.bits && m.from.value <= ip.value && ip.value <= m.to.value;
    case 'none':
      return false;
  }
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => hexValue(c) >= 0;
const utf8 = new TextEncoder();
const ascii = new TextDecoder();

/** The length of the run of `line` from `start` of characters in `charset` (Loki's bytesSpan). */
function span(line: Uint8Array, start: number, v6: boolean): number {
  let i = start;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (!(isDigit(c) || c === 0x2e || (v6 && (c === 0x3a || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))))) break;
  }
  return i - start;
}

/**
 * Compiles an `ip("…")` pattern.
 *
 * @throws Error `ip: invalid pattern: "…"` (Loki's message) when the pattern
 *   is neither an address, a prefix nor a range.
 */
export function compileIpFilter(pattern: string): IpFilter {
  let m: Matcher | undefined;
  const zone = pattern.indexOf('%');
  if (
    zone > 0 &&
    zone < pattern.length - 1 &&
    pattern.slice(0, zone).includes(':') &&
    !/[-/]/.test(pattern) &&
    parseAddr(pattern.slice(0, zone)) !== undefined
  ) {
    m = { kind: 'none' };
  } else if (pattern.includes('%') && /[-/]/.test(pattern)) {
    throw new IpPatternError(`ip(${JSON.stringify(pattern)}): an IPv6 zone in a prefix or range`, true);
  } else {
    const addr = parseAddr(pattern);
    if (addr !== undefined) m = { kind: 'addr', addr };
    else m = parsePrefix(pattern) ?? parseRange(pattern);
  }
  if (m === undefined) throw new IpPatternError(`ip: invalid pattern: ${JSON.stringify(pattern)}`);
  const matcher = m;
  const at = (line: Uint8Array, start: number, v6: boolean): [boolean, number] => {
    const n = span(line, start, v6);
    const ip = parseAddr(ascii.decode(line.subarray(start, start + n)));
    if (ip !== undefined && contains(matcher, ip)) return [true, 0];
    return [false, n];
  };
  return {
    pattern,
    test(text) {
      const line = utf8.encode(text);
      const n = line.length;
      for (let i = 0; i < n; i++) {
        const c0 = line[i]!;
        if (i + 3 < n && isDigit(c0) && (line[i + 1] === 0x2e || line[i + 2] === 0x2e || line[i + 3] === 0x2e)) {
          const [ok, len] = at(line, i, false);
          if (ok) return true;
          i += len;
          continue;
        }
        if (i + 4 < n) {
          const c1 = line[i + 1]!;
          const c2 = line[i + 2]!;
          const c3 = line[i + 3]!;
          const c4 = line[i + 4]!;
          const hint =
            (c0 === 0x3a && c1 === 0x3a && isHex(c2)) ||
            (isHex(c0) && c1 === 0x3a) ||
            (isHex(c0) && isHex(c1) && c2 === 0x3a) ||
            (isHex(c0) && isHex(c1) && isHex(c2) && c3 === 0x3a) ||
            (isHex(c0) && isHex(c1) && isHex(c2) && isHex(c3) && c4 === 0x3a);
          if (hint) {
            const [ok, len] = at(line, i, true);
            if (ok) return true;
            i += len;
          }
        }
      }
      return false;
    },
  };
}
