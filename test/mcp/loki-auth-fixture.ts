/** The shape of test/fixtures/mcp/loki-auth.json: a real Loki's answers behind a bearer-token proxy (recorded by test/e2e/loki-auth.test.ts). */
export interface RecordedLokiAuth {
  about: string;
  tenant: string;
  token: string;
  /** Unix epoch ns, decimal. */
  range: { start: string; end: string };
  ids: { generated: string; testFailed: string; reviewFailed: string; regenerated: string; testRerun: string };
  expected: { chain: unknown; values: unknown; alpha: string; alphaQueries: { attempts: string; outcomes: string } };
  /** Every answered request: its path and query, its X-Scope-OrgID, Loki's status and body. */
  exchanges: { path: string; tenant: string; status: number; body: string }[];
}
