import type { IdGenerator } from '@opentelemetry/sdk-trace';
import { sdkPackage } from './sdk.js';

/**
 * The SDK's random id generator, with one addition: `withIds` makes the
 * next root span created inside its callback take the given ids. The Intent
 * catalog uses it to give a loop's root span the ids derived from its trace
 * key (`docs/mapping.md`, "Trace keys"), so that every process agrees on the
 * root span without coordination.
 */
export class KeyedIdGenerator implements IdGenerator {
  private readonly random: IdGenerator = new (sdkPackage('@opentelemetry/sdk-trace').RandomIdGenerator)();
  private nextTraceId: string | undefined;
  private nextSpanId: string | undefined;

  generateTraceId(): string {
    const id = this.nextTraceId;
    this.nextTraceId = undefined;
    return id ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    const id = this.nextSpanId;
    this.nextSpanId = undefined;
    return id ?? this.random.generateSpanId();
  }

  /**
   * Runs `start` (which must start exactly one root span synchronously) with
   * the ids primed; they are cleared afterwards whatever happens.
   */
  withIds<T>(traceId: string, spanId: string, start: () => T): T {
    this.nextTraceId = traceId;
    this.nextSpanId = spanId;
    try {
      return start();
    } finally {
      this.nextTraceId = undefined;
      this.nextSpanId = undefined;
    }
  }
}
