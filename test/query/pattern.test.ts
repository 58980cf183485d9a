import { describe, expect, it } from 'vitest';
import { compilePatternFilter, compilePatternParser } from '../../src/query/pattern.js';

/*
 * Pattern expressions (`| pattern`, `|>`, `!>`) against the cases of Loki
 * v3.7.6's own tests (pkg/logql/log/pattern/pattern_test.go: `fixtures`,
 * Test_Error, Test_ParseLineFilter), copied with their expected values.
 */

// [expression, line, captures expected, Test() expected]
const FIXTURES: [string, string, string[], boolean][] = [
  ['foo <foo> bar', 'foo buzz bar', ['buzz'], true],
  ['foo <foo> bar<fuzz>', 'foo buzz bar', ['buzz', ''], false],
  ['<foo>foo <bar> bar', 'foo buzz bar', ['', 'buzz'], false],
  ['<foo> bar<fuzz>', ' bar', ['', ''], false],
  ['<foo>bar<baz>', ' bar ', [' ', ' '], true],
  ['<foo> bar<baz>', ' bar ', ['', ' '], false],
  ['<foo>bar <baz>', ' bar ', [' ', ''], false],
  ['<foo>', ' bar ', [' bar '], true],
  ['<path>?<_>', '/api/plugins/versioncheck?slugIn=snuids-trafficlights-panel,input,gel&grafanaVersion=7.0.0-beta1', ['/api/plugins/versioncheck'], true],
  ['<path>?<_>', '/api/plugins/status', ['/api/plugins/status'], false],
  [
    '<ip> <userid> <user> [<_>] "<method> <path> <_>" <status> <size>',
    '127.0.0.1 user-identifier frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
    ['127.0.0.1', 'user-identifier', 'frank', 'GET', '/apache_pb.gif', '200', '2326'],
    true,
  ],
  [
    '<ip> - - [<_>] "<method> <path> <_>" <status> <size> ',
    '35.191.8.106 - - [19/May/2021:07:21:49 +0000] "GET /api/plugins/versioncheck?slugIn=snuids-trafficlights-panel,input,gel&grafanaVersion=7.0.0-beta1 HTTP/1.1" 200 107 "-" "Go-http-client/2.0" "80.153.74.144, 34.120.177.193" "TLSv1.3" "DE" "DEBW"',
    ['35.191.8.106', 'GET', '/api/plugins/versioncheck?slugIn=snuids-trafficlights-panel,input,gel&grafanaVersion=7.0.0-beta1', '200', '107'],
    false,
  ],
  [
    '<_> <id> [<level>] [<no>] [<component>] ',
    '2020-08-06T14:25:02.835618Z 0 [Note] [MY-012487] [InnoDB] DDL log recovery : begin',
    ['0', 'Note', 'MY-012487', 'InnoDB'],
    false,
  ],
  [
    '<_> <id> [<level>] ',
    "2021-05-19T07:40:12.215792Z 42761518 [Note] Aborted connection 42761518 to db: 'hosted_grafana' user: 'hosted_grafana' host: '10.36.4.122' (Got an error reading communication packets)",
    ['42761518', 'Note'],
    false,
  ],
  [
    '<id> <_>       <_> <line>] ',
    'W0519 07:46:47.647050       1 clientconn.go:1223] grpc: addrConn.createTransport failed to connect to {https://kubernetes-etcd-1.kubernetes-etcd:2379  <nil> 0 <nil>}. Err :connection error: desc = "transport: Error while dialing dial tcp 10.32.85.85:2379: connect: connection refused". Reconnecting...',
    ['W0519', 'clientconn.go:1223'],
    false,
  ],
  [
    '<level>  [<component>]<_> in <duration>.<_>',
    'INFO  [Service Thread] 2021-05-19 07:40:12,130 GCInspector.java:284 - ParNew GC in 248ms.  CMS Old Gen: 5043436640 -> 5091062064; Par Eden Space: 671088640 -> 0; Par Survivor Space: 70188280 -> 60139760',
    ['INFO', 'Service Thread', '248ms'],
    true,
  ],
  [
    '<_> msg="<method> <path> (<status>) <duration>"',
    'level=debug ts=2021-05-19T07:54:26.864644382Z caller=logging.go:66 traceID=7fbb92fd0eb9c65d msg="POST /loki/api/v1/push (204) 1.238734ms"',
    ['POST', '/loki/api/v1/push', '204', '1.238734ms'],
    true,
  ],
  [
    '<_> <_> <level> | <component>: <_> peer <peer_id> <_> tcp <ip>:<_>',
    '2021-05-19 08:16:50.181436 W | rafthttp: health check for peer fd8275e521cfb532 could not connect: dial tcp 10.32.85.85:2380: connect: connection refused',
    ['W', 'rafthttp', 'fd8275e521cfb532', '10.32.85.85'],
    true,
  ],
  [
    '<_>] <level> [Log partition=<part>, dir=<dir>] ',
    '[2021-05-19 08:35:28,681] INFO [Log partition=p-636-L-fs-117, dir=/data/kafka-logs] Deleting segment 455976081 (kafka.log.Log)',
    ['INFO', 'p-636-L-fs-117', '/data/kafka-logs'],
    false,
  ],
  [
    '<_>][<level>][<component>] [<id>] [<index>]',
    '[2021-05-19T06:54:06,994][INFO ][o.e.c.m.MetaDataMappingService] [1f605d47-8454-4bfb-a67f-49f318bf837a] [usage-stats-2021.05.19/O2Je9IbmR8CqFyUvNpTttA] update_mapping [report]',
    ['INFO ', 'o.e.c.m.MetaDataMappingService', '1f605d47-8454-4bfb-a67f-49f318bf837a', 'usage-stats-2021.05.19/O2Je9IbmR8CqFyUvNpTttA'],
    false,
  ],
  [
    '<_> "<method> <path> <_>" <status> <_> <received_bytes> <sent_bytes> <duration> <upstream_time> "<forward_for>" "<agent>" <_> <_> "<upstream>"',
    '[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"',
    ['POST', '/api/v1/locations', '204', '154', '0', '226', '100', '10.0.35.28', 'nsq2http', 'tcp://10.0.2.1:80'],
    true,
  ],
  ['unicode <emoji> character', 'unicode 🤷 character', ['🤷'], true],
  ['unicode ▶ <what>', 'unicode ▶ character', ['character'], true],
];

describe('pattern expressions as Loki matches them (pattern_test.go fixtures)', () => {
  it.each(FIXTURES)('%s', (expr, line, captures, test) => {
    const p = compilePatternParser(expr);
    expect(p.matches(line)).toEqual(captures);
    expect(p.test(line)).toBe(test);
  });
});

describe('pattern errors as Loki reports them (Test_Error, Test_ParseLineFilter)', () => {
  it.each([
    ['<f>', undefined],
    ['<f> <a>', undefined],
    ['', 'parse error at line 1, col 1: syntax error: unexpected $end, expecting IDENTIFIER or LITERAL'],
    ['<_>', 'at least one capture is required'],
    ['foo <_> bar <_>', 'at least one capture is required'],
    ['foo bar buzz', 'at least one capture is required'],
    ['<f><f>', "found consecutive capture '<f><f>': invalid expression"],
    ['<f> f<d><b>', "found consecutive capture '<d><b>': invalid expression"],
    ['<f> f<f>', 'duplicate capture name (f): invalid expression'],
    ['f<f><_>', "found consecutive capture '<f><_>': invalid expression"],
    ['<f>f<f><_>', "found consecutive capture '<f><_>': invalid expression"],
  ])('| pattern %j', (expr, error) => {
    if (error === undefined) expect(() => compilePatternParser(expr)).not.toThrow();
    else expect(() => compilePatternParser(expr)).toThrow(error);
  });

  it.each([
    ['<_>', undefined],
    ['', undefined],
    ['foo <_> bar <_>', undefined],
    ['<foo <foo> bar <_>', "named captures are not allowed: found '<foo>'"],
    ['<foo>', "named captures are not allowed: found '<foo>'"],
  ])('|> %j', (expr, error) => {
    if (error === undefined) expect(() => compilePatternFilter(expr)).not.toThrow();
    else expect(() => compilePatternFilter(expr)).toThrow(error);
  });

  it('the empty line filter pattern matches only the empty line; `<_>` every non-empty line', () => {
    expect(compilePatternFilter('')('')).toBe(true);
    expect(compilePatternFilter('')('x')).toBe(false);
    expect(compilePatternFilter('<_>')('x')).toBe(true);
    expect(compilePatternFilter('<_>')('')).toBe(false);
  });
});
