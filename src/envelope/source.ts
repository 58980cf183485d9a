/**
 * Where an event came from (`EventSource`, see docs/mapping.md): an internally tagged
 * union, so that adding a field to one kind is not a breaking change.
 *
 * @example
 * const source: EventSource = { type: 'child_agent', model: 'claude-3.5-sonnet' };
 */
export type EventSource =
  | { type: 'user'; id?: string }
  | { type: 'child_agent'; model: string; name?: string }
  | { type: 'tool'; name: string }
  | { type: 'runtime'; name?: string }
  | { type: 'external_outcome'; name?: string }
  | { type: 'manual_correction'; id?: string };

export type EventSourceType = EventSource['type'];

export const EVENT_SOURCE_TYPES: readonly EventSourceType[] = ['user', 'child_agent', 'tool', 'runtime', 'external_outcome', 'manual_correction'];
