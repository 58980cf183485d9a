export { createJsonlSink } from './sink.js';
export type { JsonlSink, JsonlSinkStats } from './sink.js';
export type { FsyncPolicy, JsonlFormat, JsonlSinkOptions } from './options.js';
export {
  DEFAULT_EVENTS_FILE,
  DEFAULT_FSYNC_INTERVAL_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES,
  DEFAULT_REOPEN_INTERVAL_MS,
  EVENTS_FILE_ENV,
} from './options.js';
export { envelopeRecord } from './record.js';
export { readEvents } from './reader.js';
export type { EventLine } from './reader.js';
