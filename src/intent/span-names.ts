/**
 * The spans of one Intent loop (tracing.ts builds them, the TraceQL queries
 * in trace-queries.ts find them): `intent.loop` is the root; `intent.intent`,
 * `intent.spec` and one `intent.contract` per contract are its children.
 */
export const INTENT_SPANS = {
  LOOP: 'intent.loop',
  INTENT: 'intent.intent',
  SPEC: 'intent.spec',
  CONTRACT: 'intent.contract',
} as const;

/** Span attributes tracing.ts sets on the loop's child spans. */
export const INTENT_SPAN_ATTR = {
  INTENT_ID: 'intent.intent_id',
  SPEC_ID: 'intent.spec_id',
  CONTRACT_ID: 'intent.contract_id',
  /** The payload's `agent` of `contract.started`: who executes the contract. */
  AGENT: 'intent.agent',
} as const;
