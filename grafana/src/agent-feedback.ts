/**
 * Agent feedback: per agent, the share of its attempts that failed, so that
 * an agent can read "I fail 23% on auth" from its own history.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { AUTO, DEMO, DEMO_FIGURES, RANGE, agentEventCount, agentFailures, failureShare } from '../../src/queries/index.js';
import { counts, empty, figures, lines as linesExpected } from '../../src/queries/expectation.js';
import { dashboardLinks } from './links.js';
import { bars, lines, logLines, seriesTable } from './panels.js';
import { DashboardPlan, type BuiltDashboard } from './plan.js';
import { AGENT, ATTEMPTS, DEFAULT_ATTEMPTS, FAILURES, SAMPLES, SERVICE, agentVariable, eventIdRegexVariable, serviceVariable } from './variables.js';
import { FAILURES_PATTERN } from '../../src/queries/index.js';

export const AGENT_FEEDBACK_UID = 'factline-agent-feedback';

/** The question this dashboard answers, in an agent's words. */
export const SEED_SENTENCE = 'In the last 100 generations, I failed 23 times on auth modules';

const service = SERVICE;
const agent = AGENT;
const attempts = { agent, attempts: ATTEMPTS, failures: FAILURES };
/** The demo's agent started 3 contracts; no failure came from it (the failed assertion is the verify tool's). */
const DEMO_ATTEMPTS = 3;
const zeroForAgent = figures([{ labels: { factline_source_model: DEMO.agent }, value: 0 }]);

const shareDescription = (how: string) =>
  `"${SEED_SENTENCE}." ${how} Attempts and failures are the events whose EventID matches the Attempts and Failures variables (RE2 over factline_event_id); an agent is the model of a child_agent source (factline_source_model). LogQL windows are time, so "the last 100 generations" reads "the selected range"; for the last N attempts, and for outcomes linked to their attempt by causation id, and per file prefix (src/auth), run factline feedback or the MCP tool agent_feedback (docs/query.md).`;

export function agentFeedbackDashboard(): BuiltDashboard {
  const plan = new DashboardPlan(
    AGENT_FEEDBACK_UID,
    new dashboard.DashboardBuilder('factline · Agent feedback')
      .description('Per agent, the share of its attempts that failed: the feedback loop. See docs/grafana.md and docs/query.md.')
      .tags(['factline', 'agents'])
      .time({ from: 'now-24h', to: 'now' })
      .refresh('5m')
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(serviceVariable(undefined))
      .withVariable(agentVariable())
      .withVariable(eventIdRegexVariable(ATTEMPTS.name, 'Attempts (regex)', DEFAULT_ATTEMPTS, 'the events that are attempts, one per attempt'))
      .withVariable(eventIdRegexVariable(FAILURES.name, 'Failures (regex)', FAILURES_PATTERN, 'the events that are failed attempts'))
      .links(dashboardLinks()),
    SAMPLES,
  );

  plan.row('Failure share');
  plan.panel(bars('percentunit', 0, 1), {
    title: 'Failure share per agent',
    description: shareDescription('Failed attempts / attempts of each agent, over the range.'),
    w: 12,
    h: 9,
    queries: [{ query: failureShare({ service, by: 'agent', ...attempts, window: RANGE }), instant: true, legend: '{{factline_source_model}}', expected: zeroForAgent, note: 'claude-sonnet-4: 0 of 3 contracts started failed' }],
  });
  plan.panel(lines('percentunit', 0, 1), {
    title: 'Failure share per agent over time',
    description: shareDescription('The same share per window, to see an agent improve or regress.'),
    w: 12,
    h: 9,
    queries: [{ query: failureShare({ service, by: 'agent', ...attempts, window: AUTO }), legend: '{{factline_source_model}}', expected: zeroForAgent, note: '0 throughout' }],
  });
  plan.panel(seriesTable(), {
    title: 'Failed attempts and attempts per agent',
    description: 'The counts behind the share: A = failed attempts, B = attempts, per agent over the range.',
    w: 12,
    h: 8,
    queries: [
      { query: agentEventCount({ service, ...attempts, window: RANGE, failedOnly: true }), instant: true, legend: 'failed {{factline_source_model}}', expected: empty, note: 'no failed agent event' },
      { query: agentEventCount({ service, ...attempts, window: RANGE, failedOnly: false }), instant: true, legend: 'attempts {{factline_source_model}}', expected: counts(1, DEMO_ATTEMPTS), note: 'claude-sonnet-4: 3 contracts started' },
    ],
  });
  plan.panel(bars('percentunit', 0, 1), {
    title: 'Failure share per domain, every source',
    description: 'Failed events / all events per domain, whatever their source (agents, tools, users, runtime).',
    w: 12,
    h: 8,
    queries: [
      {
        query: failureShare({ service, by: 'domain', window: RANGE }),
        instant: true,
        legend: '{{factline_event_domain}}',
        expected: { kind: 'vector', series: 5, perRun: false, samples: [{ labels: { factline_event_domain: 'contract' }, value: DEMO_FIGURES.failedByDomain.contract / DEMO_FIGURES.byDomain.contract }], tolerance: 1e-9 },
        note: 'contract 1/14 (the verify tool\'s lint_passes failure), others 0',
      },
    ],
  });

  plan.row('What failed');
  plan.panel(logLines(), {
    title: 'Failed events of the agents',
    description: 'The failed events whose source model matches the Agent variable.',
    w: 24,
    h: 8,
    queries: [{ query: agentFailures({ service, agent }), expected: linesExpected(0), note: 'none in the demo' }],
  });

  return plan.build();
}
