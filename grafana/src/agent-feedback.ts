/**
 * Agent feedback (seed 000): per agent and domain, the share of failed
 * outcomes, so that an agent can read "I fail 23% on auth" from its own history.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { AUTO, DEMO, DEMO_FIGURES, RANGE, agentEventCount, agentFailures, failureShare } from '../../src/queries/index.js';
import { counts, empty, figures, lines as linesExpected } from '../../src/queries/expectation.js';
import { dashboardLinks } from './links.js';
import { bars, lines, logLines, seriesTable } from './panels.js';
import { DashboardPlan, type BuiltDashboard } from './plan.js';
import { AGENT, SAMPLES, SERVICE, agentVariable, serviceVariable } from './variables.js';

export const AGENT_FEEDBACK_UID = 'factline-agent-feedback';

/** Seed 000, word for word: what this dashboard lets an agent say. */
export const SEED_SENTENCE = 'In the last 100 generations, I failed 23 times on auth modules';

const service = SERVICE;
const agent = AGENT;
const AGENT_DOMAINS = Object.keys(DEMO_FIGURES.agentByDomain);
const zeroPerDomain = figures(AGENT_DOMAINS.map((d) => ({ labels: { factline_source_model: DEMO.agent, factline_event_domain: d }, value: 0 })));

const shareDescription = (how: string) =>
  `"${SEED_SENTENCE}." ${how} A failure is an event whose action is failed or ends in _failed (the ERROR rule of docs/mapping.md); an agent is the model of a child_agent source (factline_source_model). LogQL windows are time, so "the last 100 generations" reads "the selected range".`;

export function agentFeedbackDashboard(): BuiltDashboard {
  const plan = new DashboardPlan(
    AGENT_FEEDBACK_UID,
    new dashboard.DashboardBuilder('factline · Agent feedback')
      .description('Per agent and domain, the share of failed outcomes: the feedback loop of seed 000. See docs/grafana.md.')
      .tags(['factline', 'agents'])
      .time({ from: 'now-24h', to: 'now' })
      .refresh('5m')
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(serviceVariable(undefined))
      .withVariable(agentVariable())
      .links(dashboardLinks()),
    SAMPLES,
  );

  plan.row('Failure share');
  plan.panel(bars('percentunit', 0, 1), {
    title: 'Failure share per agent and domain',
    description: shareDescription('Failed events / all events of each agent in each domain, over the range.'),
    w: 12,
    h: 9,
    queries: [{ query: failureShare({ service, by: 'agent-and-domain', agent, window: RANGE }), instant: true, legend: '{{factline_source_model}} · {{factline_event_domain}}', expected: zeroPerDomain, note: 'claude-sonnet-4: 0 in signal, spec and contract' }],
  });
  plan.panel(lines('percentunit', 0, 1), {
    title: 'Failure share per agent and domain over time',
    description: shareDescription('The same share per window, to see an agent improve or regress.'),
    w: 12,
    h: 9,
    queries: [{ query: failureShare({ service, by: 'agent-and-domain', agent, window: AUTO }), legend: '{{factline_source_model}} · {{factline_event_domain}}', expected: zeroPerDomain, note: '0 throughout' }],
  });
  plan.panel(seriesTable(), {
    title: 'Failures and events per agent and domain',
    description: 'The counts behind the share: A = failed events, B = all events, per agent and domain over the range.',
    w: 12,
    h: 8,
    queries: [
      { query: agentEventCount({ service, agent, window: RANGE, failedOnly: true }), instant: true, legend: 'failed {{factline_source_model}} · {{factline_event_domain}}', expected: empty, note: 'no failed agent event' },
      { query: agentEventCount({ service, agent, window: RANGE, failedOnly: false }), instant: true, legend: 'all {{factline_source_model}} · {{factline_event_domain}}', expected: counts(AGENT_DOMAINS.length, Object.values(DEMO_FIGURES.agentByDomain).reduce((a, b) => a + b, 0)), note: 'claude-sonnet-4: signal 1, spec 1, contract 6' },
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
