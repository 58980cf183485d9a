/**
 * Agent feedback: per agent, the share of its attempts that failed, so that
 * an agent can read "I fail 23% on auth" from its own history.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { AUTO, RANGE, agentEventCount, agentFailures, failureShare } from '../../src/queries/index.js';
import { dashboardLinks } from './links.js';
import { failureShareBars, failureShareLines, logLines, seriesTable } from './panels.js';
import { DashboardPlan, type BuiltDashboard } from './dashboard-plan.js';
import {
  AGENT,
  ATTEMPTS,
  ATTEMPT_CHOICES,
  FAILURES,
  FAILURE_CHOICES,
  SAMPLES,
  SERVICE,
  agentVariable,
  eventIdChoiceVariable,
  serviceVariable,
} from './variables.js';

export const AGENT_FEEDBACK_UID = 'factline-agent-feedback';

/** What this dashboard lets an agent say of itself, the sentence its failure-share panels quote. */
export const FEEDBACK_SENTENCE = 'In the last 100 generations, I failed 23 times on auth modules';

const service = SERVICE;
const agent = AGENT;
const attempts = { agent, attempts: ATTEMPTS, failures: FAILURES };

const shareDescription = (how: string) =>
  `"${FEEDBACK_SENTENCE}." ${how} An attempt is an event whose EventID matches the Attempts variable; it failed when an event matching the Failures variable names it as its cause (factline_causation_id, emit(..., { causedBy })) in the same window. Each attempt counts once, so the share never passes 100 %, and failures of anything else (another service, another kind of attempt) never count. An agent is the model of a child_agent source (factline_source_model). Green below 10 %, orange from 10 %, red from 25 %. LogQL windows are time, so "the last 100 generations" reads "the selected range"; for the last N attempts and per file prefix (src/auth), run factline feedback or the MCP tool agent_feedback (docs/query.md).`;

export function agentFeedbackDashboard(): BuiltDashboard {
  const plan = new DashboardPlan(
    AGENT_FEEDBACK_UID,
    new dashboard.DashboardBuilder('Agent feedback')
      .description('Per agent, the share of its attempts that failed: what an agent can learn from its own history. See docs/grafana.md and docs/query.md.')
      .tags(['factline', 'agents'])
      .time({ from: 'now-24h', to: 'now' })
      .refresh('5m')
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(serviceVariable(undefined))
      .withVariable(agentVariable())
      .withVariable(eventIdChoiceVariable(ATTEMPTS.name, 'Attempts', ATTEMPT_CHOICES, 'the events that are attempts, one per attempt'))
      .withVariable(
        eventIdChoiceVariable(FAILURES.name, 'Failures of those attempts', FAILURE_CHOICES, 'the outcomes that mark the attempt they name as cause failed'),
      )
      .links(dashboardLinks()),
    SAMPLES,
    { minInterval: '1m' },
  );

  plan.row('Failure share');
  plan.panel(failureShareBars(), {
    title: 'Failure share per agent',
    description: shareDescription('Failed attempts / attempts of each agent, over the range.'),
    width: 12,
    height: 9,
    queries: [{ query: failureShare({ service, by: 'agent', ...attempts, window: RANGE }), instant: true, legend: '{{factline_source_model}}' }],
  });
  plan.panel(failureShareLines(), {
    title: 'Failure share per agent over time',
    description: shareDescription('The same share per window, to see an agent improve or regress.'),
    width: 12,
    height: 9,
    queries: [{ query: failureShare({ service, by: 'agent', ...attempts, window: AUTO }), legend: '{{factline_source_model}}' }],
  });
  plan.panel(seriesTable({ A: 'failed attempts', B: 'attempts' }, { factline_source_model: 'agent (model)' }), {
    title: 'Failed attempts and attempts per agent',
    description: 'The counts behind the share, per agent over the range: attempts a failure names as its cause (0 when none), and attempts.',
    width: 12,
    height: 8,
    queries: [
      { query: agentEventCount({ service, ...attempts, window: RANGE, failedOnly: true }), instant: true, legend: 'failed {{factline_source_model}}' },
      { query: agentEventCount({ service, ...attempts, window: RANGE, failedOnly: false }), instant: true, legend: 'attempts {{factline_source_model}}' },
    ],
  });
  plan.panel(failureShareBars(), {
    title: 'Failure share per domain, every source',
    description:
      'Failed events (action failed or *_failed) / all events per domain, whatever their source (agents, tools, users, runtime). Green below 10 %, orange from 10 %, red from 25 %.',
    width: 12,
    height: 8,
    queries: [{ query: failureShare({ service, by: 'domain', window: RANGE }), instant: true, legend: '{{factline_event_domain}}' }],
  });

  plan.row('What failed');
  plan.panel(logLines(), {
    title: 'Failed events of the agents',
    description:
      'Every failed event (action failed or *_failed) whose source model matches the Agent variable, whatever it was an outcome of: the failure shares above count only the failures that name one of the Attempts as their cause.',
    width: 24,
    height: 8,
    queries: [{ query: agentFailures({ service, agent }) }],
  });

  return plan.build();
}
