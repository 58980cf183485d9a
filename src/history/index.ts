/** Questions about the event history that agents and the CLI ask: when it is, which labels it has, what caused what. */
export { historySpan, spanSentence, rfc3339, entryTimes } from './span.js';
export type { HistorySpan } from './span.js';
export { listLabels, labelValues } from './labels.js';
export type { LabelNames, LabelValue } from './labels.js';
export { eventChain, chainText } from './chain.js';
export type { ChainEvent, ChainRequest, EventChain } from './chain.js';
export { skippedSummary, watchSkips } from './skipped.js';
