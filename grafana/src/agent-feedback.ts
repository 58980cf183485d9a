/**
 * Agent feedback: per agent and domain, the share of failed outcomes, so
 * that an agent can read "I fail 23% on auth" from its own history.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { AUTO, RANGE, agentEventCount, agentFailures, failureShare } from '../../src/queries/index.js';
import { dashboardLinks } from './links.js';
import { bars, lines, logLines, seriesTable } from './panels.js';
import { DashboardPlan, type BuiltDashboard } from './dashboard-plan.js';
import { AGENT, SAMPLES, SERVICE, agentVariable, serviceVariable } from './variables.js';

export const AGENT_FEEDBACK_UID = 'factline-agent-feedback';

/** What this dashboard lets an agent say of itself, the sentence its failure-share panels quote. */
export const FEEDBACK_SENTENCE = 'In the last 100 generations, I failed 23 times on auth modules';

const service = SERVICE;
const agent = AGENT;

const shareDescription = (how: string) =>
  `"${FEEDBACK_SENTENCE}." ${how} A failure is an event whose action is failed or ends in _failed (the ERROR rule of docs/mapping.md); an agent is the model of a child_agent source (factline_source_model). LogQL windows are time, so "the last 100 generations" reads "the selected range".`;

export function agentFeedbackDashboard(): BuiltDashboard {
  const plan = new DashboardPlan(
    AGENT_FEEDBACK_UID,
    new dashboard.DashboardBuilder('Agent feedback')
      .description('Per agent and domain, the share of failed outcomes: what an agent can learn from its own history. See docs/grafana.md.')
      .tags(['factline', 'agents'])
      .time({ from: 'now-24h', to: 'now' })
      .refresh('5m')
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(serviceVariable(undefined))
      .withVariable(agentVariable())
      .links(dashboardLinks()),
    SAMPLES,
    { minInterval: '1m' },
  );

  plan.row('Failure share');
  plan.panel(bars('percentunit', 0, 1), {
    title: 'Failure share per agent and domain',
    description: shareDescription('Failed events / all events of each agent in each domain, over the range.'),
    width: 12,
    height: 9,
    queries: [{ query: failureShare({ service, by: 'agent-and-domain', agent, window: RANGE }), instant: true, legend: '{{factline_source_model}} · {{factline_event_domain}}' }],
  });
  plan.panel(lines('percentunit', 0, 1), {
    title: 'Failure share per agent and domain over time',
    description: shareDescription('The same share per window, to see an agent improve or regress.'),
    width: 12,
    height: 9,
    queries: [{ query: failureShare({ service, by: 'agent-and-domain', agent, window: AUTO }), legend: '{{factline_source_model}} · {{factline_event_domain}}' }],
  });
  plan.panel(seriesTable({ A: 'failed', B: 'events' }), {
    title: 'Failures and events per agent and domain',
    description: 'The counts behind the share, per agent and domain over the range: failed events and all events.',
    width: 12,
    height: 8,
    queries: [
      { query: agentEventCount({ service, agent, window: RANGE, failedOnly: true }), instant: true, legend: 'failed {{factline_source_model}} · {{factline_event_domain}}' },
      { query: agentEventCount({ service, agent, window: RANGE, failedOnly: false }), instant: true, legend: 'all {{factline_source_model}} · {{factline_event_domain}}' },
    ],
  });
  plan.panel(bars('percentunit', 0, 1), {
    title: 'Failure share per domain, every source',
    description: 'Failed events / all events per domain, whatever their source (agents, tools, users, runtime).',
    width: 12,
    height: 8,
    queries: [
      {
        query: failureShare({ service, by: 'domain', window: RANGE }),
        instant: true,
        legend: '{{factline_event_domain}}',
      },
    ],
  });

  plan.row('What failed');
  plan.panel(logLines(), {
    title: 'Failed events of the agents',
    description: 'The failed events whose source model matches the Agent variable.',
    width: 24,
    height: 8,
    queries: [{ query: agentFailures({ service, agent }) }],
  });

  return plan.build();
}
