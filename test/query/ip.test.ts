import { describe, expect, it } from 'vitest';
import { compileIpFilter } from '../../src/query/ip.js';

/*
 * `ip()` as Loki 3.7.6 runs it: the cases of Loki's own
 * pkg/logql/log/ip_test.go (Test_IPFilter, Test_IPLabelFilterTy), and the
 * address forms Go's net/netip refuses or reads otherwise than a lenient
 * parser would. The conformance suite checks the 38 ip() queries of Loki's
 * docs and tests against answers recorded from a real Loki.
 */

const matched = (pattern: string, lines: string[]): number[] => {
  const f = compileIpFilter(pattern);
  return lines.flatMap((l, i) => (f.test(l) ? [i] : []));
};

describe('ip() as Loki’s ip_test.go', () => {
  it('single IPv4', () => {
    expect(matched('192.168.0.1', ['vpn 192.168.0.5 connected to vm', 'vpn 192.168.0.1 connected to vm', 'x', 'hello world!', ''])).toEqual([1]);
  });
  it('single IPv6', () => {
    expect(matched('::1', ['vpn ::1 connected to vm', 'vpn 192.168.0.1 connected to vm', 'x', 'hello world!', ''])).toEqual([0]);
  });
  it('IPv4 range', () => {
    const lines = [
      'vpn 192.168.0.0 connected to vm',
      'vpn 192.168.0.0 192.168.0.1 connected to vm',
      'vpn 192.172.6.1 connected to vm',
      'vpn 192.255.255.255 connected to vm',
      'x',
      'hello world!',
      '',
    ];
    expect(matched('192.168.0.1-192.189.10.12', lines)).toEqual([1, 2]);
  });
  it('IPv6 range', () => {
    const lines = [
      'vpn 192.168.0.0 connected to vm',
      'vpn 2001:db8::2 connected to vm',
      'vpn 2001:db8::9 connected to vm',
      'vpn 2001:db8::5 connected to vm',
      'x',
      '',
    ];
    expect(matched('2001:db8::1-2001:db8::8', lines)).toEqual([1, 3]);
  });
  it('CIDR', () => {
    const lines = [
      'vpn 192.168.0.0 connected to vm',
      'vpn 192.168.0.1 connected to vm',
      'vpn 192.172.6.1 connected to vm',
      'vpn 192.168.255.255 connected to vm',
      'x',
      '',
    ];
    expect(matched('192.168.4.5/16', lines)).toEqual([0, 1, 3]);
  });
  it('CIDR IPv6', () => {
    const lines = [
      'vpn 2001:db8::1 connected to vm',
      'vpn 2001:db9::3 connected to vm',
      'vpn 2001:dc8::1 and 2001:db8::2 connected to vm',
      'vpn 192.168.255.255',
      'x',
      '',
    ];
    expect(matched('2001:db8::/32', lines)).toEqual([0, 2]);
  });
  it('refuses a malformed pattern with Loki’s message', () => {
    expect(() => compileIpFilter('192.168.0.1 - 192.189.10.12')).toThrow('ip: invalid pattern: "192.168.0.1 - 192.189.10.12"');
    expect(() => compileIpFilter('192.168.0.2-1.0.0.0')).toThrow(/ip: invalid pattern/);
    expect(() => compileIpFilter('b')).toThrow(/ip: invalid pattern/);
    expect(() => compileIpFilter('')).toThrow(/ip: invalid pattern/);
  });
});

describe('addresses as Go’s net/netip parses them', () => {
  it.each([
    ['1.2.3.04', false],
    ['1.2.3.256', false],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['::ffff:1.2.3.4', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7::8', false],
    ['1::2::3', false],
    ['12345::1', false],
    ['1:2:3:4:5:6:1.2.3.4', true],
    ['1:2:3:4:5:1.2.3.4', false],
    ['0.0.0.0', true],
  ])('%s is an address: %s', (text, ok) => {
    if (ok) expect(compileIpFilter(text).test(text)).toBe(true);
    else expect(() => compileIpFilter(text)).toThrow(/ip: invalid pattern/);
  });

  it('prefix lengths: decimal, no sign or leading zero, at most the family’s', () => {
    expect(compileIpFilter('10.0.0.0/0').test('1.2.3.4')).toBe(true);
    expect(compileIpFilter('10.0.0.0/8').test('10.9.9.9')).toBe(true);
    for (const bad of ['10.0.0.0/08', '10.0.0.0/+8', '10.0.0.0/33', '10.0.0.0/', '::/129']) expect(() => compileIpFilter(bad)).toThrow(/invalid pattern/);
  });

  it('families do not mix: an IPv4-mapped IPv6 address is not the IPv4 address', () => {
    expect(compileIpFilter('1.2.3.4').test('::ffff:1.2.3.4')).toBe(false);
    expect(compileIpFilter('::ffff:1.2.3.4').test('x ::ffff:1.2.3.4 y')).toBe(true);
    expect(compileIpFilter('0.0.0.0/0').test('2001:db8::1')).toBe(false);
  });

  it('a zoned address never equals one found in text', () => {
    expect(compileIpFilter('fe80::1%eth0').test('fe80::1')).toBe(false);
  });

  it('Loki’s scan skips the character after a run that is not an address', () => {
    // "1.2.3.4.5" is no address; the scan then resumes after the run and one more character.
    expect(compileIpFilter('2.3.4.5').test('1.2.3.4.5')).toBe(false);
    expect(compileIpFilter('3.4.5.6').test('x1.2a3.4.5.6')).toBe(true);
    expect(compileIpFilter('1.2.3.4').test('addr=1.2.3.4,')).toBe(true);
  });
});
