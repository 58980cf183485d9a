export { createConsoleSink, detectColor } from './sink.js';
export type { ConsoleSink, ConsoleSinkOptions, ConsoleStream } from './sink.js';
export { displayTime, formatEventLine, isBareToken } from './format.js';
export type { FormatEventLineOptions } from './format.js';
