import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord as SdkLogRecord } from '@opentelemetry/sdk-logs';
import { sdkPackage } from '../otel/sdk.js';
import type { RuntimeProblem } from '../problems.js';
import { DurableProcessor } from './durable-processor.js';
import type { DurableDeliveryOptions, SignalCodec } from './delivery-options.js';
import { instanceIdOf, LOGS_SHAPE } from './otlp-json.js';
import type { LogTransport } from './send-outcome.js';

const LOGS: SignalCodec<SdkLogRecord> = {
  signal: 'logs',
  noun: 'log records',
  shape: LOGS_SHAPE,
  serialize: (records, encoding) => {
    const t = sdkPackage('@opentelemetry/otlp-transformer');
    return (encoding === 'protobuf' ? t.ProtobufLogsSerializer : t.JsonLogsSerializer).serializeRequest(records);
  },
  idOf: instanceIdOf,
};

/**
 * A `LogRecordProcessor` that keeps every log record until the OTLP endpoint
 * has acknowledged it, in place of the SDK's `BatchLogRecordProcessor`
 * (which drops what does not fit its 2048-record queue, and a batch that
 * failed its retries). See `DurableExportQueue` for the policy. The spool is
 * `<spool.dir>/logs/`, dead letters `<spool.dir>/dead-letters-logs.jsonl`.
 *
 * Throws at set-up when the spool directory is held by another process.
 *
 * @example
 * const processor = new DurableLogRecordProcessor(createOtlpHttpTransport({ url: 'http://localhost:4318/v1/logs' }), { spool: { dir: '/var/spool/app' } });
 * const provider = new LoggerProvider({ processors: [processor] });
 * processor.stats(); // { received, delivered, pending, spooled, deadLettered, rejected, dropped, ... }
 */
export class DurableLogRecordProcessor extends DurableProcessor<SdkLogRecord> implements LogRecordProcessor {
  constructor(transport: LogTransport, options: DurableDeliveryOptions = {}, report?: (p: RuntimeProblem) => void) {
    super(LOGS, transport, options, report);
  }

  onEmit(record: SdkLogRecord, _context?: Context): void {
    this.queue.add(record);
  }
}
