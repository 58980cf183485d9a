import type { WeaverGroup } from '../catalog/weaver.js';
import { INTENT_SPAN_ATTR } from './span-names.js';

/**
 * The Weaver registry files the Intent catalog adds to its events': the
 * attributes `setupIntent`'s loop tracing sets on the loop's spans
 * (`intent.intent`, `intent.spec`, `intent.contract`; docs/intent.md), so
 * that `weaver registry live-check` finds them (docs/catalog.md).
 */
export const INTENT_WEAVER_FILES: Readonly<Record<string, { groups: WeaverGroup[] }>> = {
  'intent.spans.yaml': {
    groups: [
      {
        id: 'registry.intent.spans',
        type: 'attribute_group',
        brief: "The attributes of the Intent loop's spans (intent.intent, intent.spec, intent.contract).",
        attributes: [
          { id: INTENT_SPAN_ATTR.INTENT_ID, type: 'string', stability: 'development', brief: 'The intent, on the intent.intent span.', examples: ['INT-042'] },
          { id: INTENT_SPAN_ATTR.SPEC_ID, type: 'string', stability: 'development', brief: 'The spec, on the intent.spec span.', examples: ['SPEC-042'] },
          {
            id: INTENT_SPAN_ATTR.CONTRACT_ID,
            type: 'string',
            stability: 'development',
            brief: 'The contract, on its intent.contract span.',
            examples: ['CON-042'],
          },
          {
            id: INTENT_SPAN_ATTR.AGENT,
            type: 'string',
            stability: 'development',
            brief: "Who executes the contract (contract.started's agent), on its intent.contract span.",
            examples: ['claude-code'],
          },
        ],
      },
    ],
  },
};
