export { checkJsonSafety, MAX_DEPTH } from './json-safety.js';
export { readJsonValue, isWideInteger } from './json-value.js';
export type { JsonRead } from './json-value.js';
export { checkPayload, checkJsonPayload, DEFAULT_MAX_PAYLOAD_BYTES, VALIDATION_MODES } from './validate.js';
export type { ValidationMode, PayloadCheck } from './validate.js';
export { FactlineValidationError } from './error.js';
export { capIssues, formatIssues, formatPath, issueLocation, MAX_CARRIED_ISSUES } from './issue.js';
export type { EmitOptionName, IssueCode, ValidationIssue } from './issue.js';
export { unknownKeys } from './unknown-keys.js';
