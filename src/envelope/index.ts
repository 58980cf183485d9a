export type { FactlineEvent } from './event.js';
export type { EventSource, EventSourceType } from './source.js';
export { EVENT_SOURCE_TYPES } from './source.js';
export type { Severity } from './severity.js';
export { severityForAction, SEVERITY_NUMBER, SEVERITY_RANK } from './severity.js';
export type { EmitOptionName, IssueCode, ValidationIssue } from './issue.js';
export { uuidv7, uuidv7Time } from './uuidv7.js';
