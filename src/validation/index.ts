export { checkJsonSafety, toJsonSafeCopy, MAX_DEPTH } from './json-safety.js';
export { checkPayload, DEFAULT_MAX_PAYLOAD_BYTES } from './validate.js';
export type { ValidationMode, PayloadCheck } from './validate.js';
export { FactlineValidationError } from './error.js';
