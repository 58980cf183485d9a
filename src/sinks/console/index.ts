export { createConsoleSink, detectColor } from './sink.js';
export type { ConsoleSink, ConsoleSinkOptions, ConsoleStream } from './sink.js';
export { displayTime, escapeLineBreakers, formatEventLine, isBareToken } from './format.js';
export type { FormatEventLineOptions } from './format.js';
