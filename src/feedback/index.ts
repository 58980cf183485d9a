/**
 * Feedback figures for agents: the outcomes of a source's last N attempts,
 * per group of a payload field, on the local files or on Loki.
 */
export { agentFeedback, feedbackSentence, DEFAULT_LAST, DEFAULT_FAILURE_PATTERN, MAX_LAST } from './figures.js';
export type { FeedbackFigures, FeedbackGroup, FeedbackGroupBy, FeedbackRequest } from './figures.js';
export { attemptsQuery, outcomesQuery, GROUP_LABEL } from './queries.js';
export type { FeedbackSource } from './queries.js';
