/**
 * The event explorer: any catalog's events by domain, entity and action; the
 * events matching a `%` pattern (docs/eventid.md); versions in use; invalid
 * events.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { AUTO, RANGE, countBy, countByPattern, eventsByPattern, invalidCount, invalidEvents, versionsInUse } from '../../src/queries/index.js';
import { dashboardLinks } from './links.js';
import { bars, bigNumbers, countsOverTime, logLines, seriesTable } from './panels.js';
import { DashboardPlan, type BuiltDashboard } from './dashboard-plan.js';
import { PATTERN, SAMPLES, SERVICE, patternVariable, serviceVariable } from './variables.js';

export const EVENT_EXPLORER_UID = 'factline-event-explorer';

const service = SERVICE;

export function eventExplorerDashboard(): BuiltDashboard {
  const plan = new DashboardPlan(
    EVENT_EXPLORER_UID,
    new dashboard.DashboardBuilder('Event explorer')
      .description("Any catalog's events: per domain, entity and action; by % pattern; versions in use; events flagged invalid. See docs/grafana.md.")
      .tags(['factline', 'events'])
      .time({ from: 'now-15m', to: 'now' })
      .refresh('30s')
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(serviceVariable(undefined))
      .withVariable(patternVariable())
      .links(dashboardLinks()),
    SAMPLES,
    { minInterval: '15s' },
  );

  plan.row('The catalog at a glance');
  plan.panel(countsOverTime(), {
    title: 'Events per domain',
    description: 'factline events (those with a factline_event_id) per domain, per window.',
    width: 24,
    height: 8,
    queries: [{ query: countBy({ service, by: 'domain', window: AUTO }), legend: '{{factline_event_domain}}' }],
  });
  plan.panel(bars(), {
    title: 'Events per entity',
    description: 'Events per domain.entity over the range, one bar per entity.',
    width: 12,
    height: 14,
    queries: [{ query: countBy({ service, by: 'entity', window: RANGE }), instant: true, legend: '{{factline_event_domain}}.{{factline_event_entity}}' }],
  });
  plan.panel(bars(), {
    title: 'Events per action',
    description: 'Events per action over the range, one bar per action (14 rows show 13 actions whole, as in the demo).',
    width: 12,
    height: 14,
    queries: [{ query: countBy({ service, by: 'action', window: RANGE }), instant: true, legend: '{{factline_event_action}}' }],
  });

  plan.row('Events matching the pattern');
  plan.panel(countsOverTime(), {
    title: 'Matching events per window',
    description: 'Events whose EventID matches the pattern variable, per EventID and window.',
    width: 12,
    height: 8,
    queries: [{ query: countByPattern({ service, pattern: PATTERN, window: AUTO }), legend: '{{factline_event_id}}' }],
  });
  plan.panel(bigNumbers(), {
    title: 'Matching events in the range',
    description: 'How many events match the pattern over the whole range, per EventID.',
    width: 12,
    height: 8,
    queries: [{ query: countByPattern({ service, pattern: PATTERN, window: RANGE }), instant: true, legend: '{{factline_event_id}}' }],
  });
  plan.panel(logLines(), {
    title: 'Matching lines',
    description: 'The events matching the pattern, newest first.',
    width: 24,
    height: 8,
    queries: [{ query: eventsByPattern({ service, pattern: PATTERN }) }],
  });

  plan.row('Versions and validity');
  plan.panel(seriesTable({ A: 'events' }), {
    title: 'Versions in use per event',
    description: 'One row per event name and version with its count over the range: more than one row for a name means two versions are live.',
    width: 10,
    height: 8,
    queries: [{ query: versionsInUse({ service, window: RANGE }), instant: true, legend: '{{event_name}}:{{factline_event_version}}' }],
  });
  plan.panel(bigNumbers().noValue('0'), {
    title: 'Events flagged invalid',
    description: 'Events delivered with factline.valid=false (validation mode report), per EventID over the range.',
    width: 6,
    height: 8,
    queries: [{ query: invalidCount({ service, window: RANGE }), instant: true, legend: '{{factline_event_id}}' }],
  });
  plan.panel(logLines(), {
    title: 'Invalid events',
    description: 'The invalid events; factline_validation_issues (in the line details) says what was wrong.',
    width: 8,
    height: 8,
    queries: [{ query: invalidEvents({ service }) }],
  });

  return plan.build();
}
