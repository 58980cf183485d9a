export { createEmitter } from './emitter.js';
export { hashPiiValue } from './payload.js';
export type { Emitter, EmitterStats, PayloadOf } from './emitter.js';
export { resolveServiceName, resolveValidationMode } from './options.js';
export type { EmitOptions, EmitterOptions, EventFilter, TraceAssignment } from './options.js';
