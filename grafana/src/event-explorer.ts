/**
 * The event explorer: any catalog's events by domain, entity and action; the
 * events matching a `%` pattern (seed 000); versions in use; invalid events.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { AUTO, DEMO_FIGURES, RANGE, countBy, countByPattern, eventsByPattern, invalidCount, invalidEvents, versionsInUse } from '../../src/queries/index.js';
import { counts, empty, lines as linesExpected } from '../../src/queries/expectation.js';
import { dashboardLinks } from './links.js';
import { bars, countsOverTime, figure, logLines, seriesTable } from './panels.js';
import { DashboardPlan, type BuiltDashboard } from './plan.js';
import { PATTERN, SAMPLES, SERVICE, patternVariable, serviceVariable } from './variables.js';

export const EVENT_EXPLORER_UID = 'factline-event-explorer';

const service = SERVICE;
const TOTAL = DEMO_FIGURES.total;

export function eventExplorerDashboard(): BuiltDashboard {
  const plan = new DashboardPlan(
    EVENT_EXPLORER_UID,
    new dashboard.DashboardBuilder('factline · Event explorer')
      .description('Any catalog\'s events: per domain, entity and action; by % pattern; versions in use; events flagged invalid. See docs/grafana.md.')
      .tags(['factline', 'events'])
      .time({ from: 'now-1h', to: 'now' })
      .refresh('1m')
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(serviceVariable(undefined))
      .withVariable(patternVariable())
      .links(dashboardLinks()),
    SAMPLES,
  );

  plan.row('The catalog at a glance');
  plan.panel(countsOverTime(), {
    title: 'Events per domain',
    description: 'factline events (those with a factline_event_id) per domain, per window.',
    w: 12,
    h: 8,
    queries: [{ query: countBy({ service, by: 'domain', window: AUTO }), legend: '{{factline_event_domain}}', expected: counts(5, TOTAL), note: '5 domains, 34 events' }],
  });
  plan.panel(bars(), {
    title: 'Events per entity',
    description: 'Events per domain.entity over the range.',
    w: 6,
    h: 8,
    queries: [{ query: countBy({ service, by: 'entity', window: RANGE }), instant: true, legend: '{{factline_event_domain}}.{{factline_event_entity}}', expected: counts(6, TOTAL), note: '6 entities, 34 events' }],
  });
  plan.panel(bars(), {
    title: 'Events per action',
    description: 'Events per action over the range.',
    w: 6,
    h: 8,
    queries: [{ query: countBy({ service, by: 'action', window: RANGE }), instant: true, legend: '{{factline_event_action}}', expected: counts(13, TOTAL), note: '13 actions, 34 events' }],
  });

  plan.row('Events matching the pattern');
  plan.panel(countsOverTime(), {
    title: 'Matching events per window',
    description: 'Events whose EventID matches the pattern variable, per EventID and window.',
    w: 12,
    h: 8,
    queries: [{ query: countByPattern({ service, pattern: PATTERN, window: AUTO }), legend: '{{factline_event_id}}', expected: counts(1, 1), note: '%.failed:%: contract.assertion.failed:1 once' }],
  });
  plan.panel(figure(), {
    title: 'Matching events in the range',
    description: 'How many events match the pattern over the whole range, per EventID.',
    w: 12,
    h: 8,
    queries: [{ query: countByPattern({ service, pattern: PATTERN, window: RANGE }), instant: true, legend: '{{factline_event_id}}', expected: counts(1, 1), note: '%.failed:%: 1' }],
  });
  plan.panel(logLines(), {
    title: 'Matching lines',
    description: 'The events matching the pattern, newest first.',
    w: 24,
    h: 8,
    queries: [{ query: eventsByPattern({ service, pattern: PATTERN }), expected: linesExpected(1, { factline_event_id: 'contract.assertion.failed:1' }), note: '%.failed:%: the lint_passes failure' }],
  });

  plan.row('Versions and validity');
  plan.panel(seriesTable(), {
    title: 'Versions in use per event',
    description: 'One row per event name and version with its count over the range: more than one row for a name means two versions are live.',
    w: 12,
    h: 8,
    queries: [{ query: versionsInUse({ service, window: RANGE }), instant: true, legend: '{{event_name}}:{{factline_event_version}}', expected: counts(14, TOTAL), note: '14 event types, all at version 1' }],
  });
  plan.panel(figure().noValue('0'), {
    title: 'Events flagged invalid',
    description: 'Events delivered with factline.valid=false (validation mode report), per EventID over the range.',
    w: 4,
    h: 8,
    queries: [{ query: invalidCount({ service, window: RANGE }), instant: true, legend: '{{factline_event_id}}', expected: empty, note: 'none: the demo validates strictly' }],
  });
  plan.panel(logLines(), {
    title: 'Invalid events',
    description: 'The invalid events; factline_validation_issues (in the line details) says what was wrong.',
    w: 8,
    h: 8,
    queries: [{ query: invalidEvents({ service }), expected: linesExpected(0), note: 'none' }],
  });

  return plan.build();
}
