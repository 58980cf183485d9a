/**
 * The dashboards on a Loki shared with another service: what every panel
 * query answers when one run of the demo loop (service A, agent
 * claude-sonnet-4 starting 3 contracts) sits next to an agent history in a
 * second service B whose failures have nothing to do with the demo:
 *
 * - claude-sonnet-4: 100 code generations in the last hour, 23 with a failed
 *   test and review (both caused by the generation), the rest passed;
 * - gpt-5: 10 generations, all failed;
 * - bulk-model: 600 generations, every third failed: more attempts than
 *   Loki's default max_query_series (500), which bounds only the answer;
 * - 6 `agent.test.failed` of claude-sonnet-4 that name no cause;
 * - 5 records of a plain OTel logger with `factline.event.id` and none of
 *   its parts (domain, entity, action), which once made a row "Value #A".
 *
 * "Service = All" is the regex of the two services, so other runs on the same
 * Loki stay out. The end-to-end suite writes this and records the answers
 * (test/e2e/dashboards-shared.test.ts); test/grafana/shared-loki-answers.test.ts
 * replays the checks on the recorded answers.
 */
import { expect } from 'vitest';
import { buildDashboards, type NamedQuery } from '../../grafana/src/index.js';
import { patternRegex } from '../../src/queries/index.js';
import { DEMO } from './demo-figures.js';

export const BULK_MODEL = 'bulk-model';
export const BULK_ATTEMPTS = 600;
export const UNCAUSED_FAILURES = 6;
export const RAW_RECORDS = 5;

/** The two services of one run, and the "All" regex that matches both and nothing else. */
export function sharedServices(run: string): { demo: string; agents: string; all: string } {
  const demo = `intent-sh-${run}`;
  const agents = `agents-sh-${run}`;
  return { demo, agents, all: `${demo}|${agents}` };
}

/** The dashboard variable settings the answers are recorded under, and the dashboards each applies to. */
export function sharedVariants(all: string): Record<string, { readonly dashboards: readonly string[]; readonly values: Record<string, string> }> {
  return {
    // Every dashboard as it opens, with Service = All.
    defaults: { dashboards: ['factline-intent-loop', 'factline-event-explorer', 'factline-agent-feedback'], values: { service: all } },
    // Agent feedback with the agent history's attempts: code generations.
    codeGenerations: { dashboards: ['factline-agent-feedback'], values: { service: all, attempts: patternRegex('agent.code.generated:%') } },
    // The Intent loop for an agent that executed nothing.
    agentGpt5: { dashboards: ['factline-intent-loop'], values: { service: all, agent: 'gpt-5' } },
  };
}

/** Every panel query of the dashboards of each variant, keyed `<variant>/<query name>`. */
export function sharedQueries(all: string): Map<string, NamedQuery> {
  const out = new Map<string, NamedQuery>();
  for (const [variant, { dashboards, values }] of Object.entries(sharedVariants(all))) {
    for (const d of buildDashboards().filter((d) => dashboards.includes(d.uid))) {
      for (const q of d.queriesWith({ ...d.samples, ...values })) out.set(`${variant}/${q.name}`, q);
    }
  }
  return out;
}

export interface RecordedAnswer {
  readonly expr: string;
  readonly response: { readonly data?: { readonly resultType?: string; readonly result: readonly unknown[] }; readonly traces?: readonly unknown[] };
}

type Sample = { metric: Record<string, string>; value: [number, string] };

/** Checks the recorded answers: the demo agent's 0 %, every share within [0, 1], every row named. */
export function checkSharedAnswers(answers: Readonly<Record<string, RecordedAnswer>>): void {
  const vector = (key: string): Sample[] => {
    const a = answers[key];
    expect(a, key).toBeDefined();
    return a!.response.data!.result as Sample[];
  };
  const byModel = (key: string) => Object.fromEntries(vector(key).map((s) => [s.metric.factline_source_model, Number(s.value[1])]));
  const AF = 'dashboard/factline-agent-feedback';

  // Defaults: attempts are contract starts. No failure names a contract
  // start as its cause, so the demo agent's share is 0 %, whatever the other
  // service's claude-sonnet-4 failures.
  expect(byModel(`defaults/${AF}/Failure share per agent/A`)).toEqual({ [DEMO.agent]: 0 });
  expect(byModel(`defaults/${AF}/Failure share per agent over time/A`)).toEqual({ [DEMO.agent]: 0 });
  expect(byModel(`defaults/${AF}/Failed attempts and attempts per agent/A`)).toEqual({ [DEMO.agent]: 0 });
  expect(byModel(`defaults/${AF}/Failed attempts and attempts per agent/B`)).toEqual({ [DEMO.agent]: 3 });

  // Code generations: failed attempts over attempts, each attempt once
  // (a failed test and a failed review of one generation are one failure).
  expect(byModel(`codeGenerations/${AF}/Failure share per agent/A`)).toEqual({ [DEMO.agent]: 0.23, 'gpt-5': 1, [BULK_MODEL]: expect.closeTo(1 / 3, 12) });
  expect(byModel(`codeGenerations/${AF}/Failed attempts and attempts per agent/A`)).toEqual({ [DEMO.agent]: 23, 'gpt-5': 10, [BULK_MODEL]: BULK_ATTEMPTS / 3 });
  expect(byModel(`codeGenerations/${AF}/Failed attempts and attempts per agent/B`)).toEqual({ [DEMO.agent]: 100, 'gpt-5': 10, [BULK_MODEL]: BULK_ATTEMPTS });

  // Every share of every variant is within [0, 1].
  for (const [key, a] of Object.entries(answers)) {
    if (!/share|pass rate/i.test(key) || a.response.data === undefined) continue;
    for (const s of a.response.data.result as Sample[]) {
      const v = Number(s.value[1]);
      expect(v >= 0 && v <= 1, `${key} ${JSON.stringify(s)}`).toBe(true);
    }
  }

  // Every row of a grouped query is named: it has labels, none of them empty
  // (a row without them is what Grafana draws as "Value #A").
  for (const [key, a] of Object.entries(answers)) {
    if (!/\bby \(/.test(a.expr) || a.response.data?.resultType !== 'vector') continue;
    for (const s of a.response.data.result as Sample[]) {
      expect(Object.keys(s.metric).length, `${key}: ${JSON.stringify(s)}`).toBeGreaterThan(0);
      for (const [l, v] of Object.entries(s.metric)) expect(v, `${key}: ${l} in ${JSON.stringify(s.metric)}`).toBeTruthy();
    }
  }

  // The raw records count as events but never as an unnamed group.
  const entities = vector('defaults/dashboard/factline-event-explorer/Events per entity/A');
  expect(entities.length).toBeGreaterThan(0);
  expect(vector('defaults/dashboard/factline-event-explorer/Matching events in the range/A').length).toBeGreaterThan(0);

  // The Agent variable narrows Contracts by executing agent: gpt-5 executed none.
  expect(vector('agentGpt5/dashboard/factline-intent-loop/Contracts by executing agent/A')).toEqual([]);
  expect(vector('defaults/dashboard/factline-intent-loop/Contracts by executing agent/A').map((s) => [s.metric.agent, s.value[1]])).toEqual([
    ['claude-code', '3'],
  ]);

  // The demo's figures under All: its one cluster, its p50 named by service.
  expect(
    vector('defaults/dashboard/factline-intent-loop/Clusters and their size/A').map((s) => [s.metric.cluster_id, s.metric.cluster_name, s.value[1]]),
  ).toEqual([['CL-012', 'API Latency Spike', '4']]);
  expect(vector('defaults/dashboard/factline-intent-loop/Contract duration p50 / p95/A').map((s) => s.metric.service_name)).toEqual([
    expect.stringMatching(/^intent-sh-/),
  ]);
}
