/**
 * Dashboards as code: the three dashboards, the files they become
 * (grafana/dashboards/*.json, grafana/queries/*.md), and the list of every
 * query factline ships, by name (what each returns on the demo is test
 * data: test/support/demo-cases.ts).
 *
 * `npm run dashboards` writes the files (scripts/generate-dashboards.ts);
 * test/grafana fails when the committed files differ from what this module
 * produces.
 */
import { agentFeedbackDashboard } from './agent-feedback.js';
import { eventExplorerDashboard } from './event-explorer.js';
import { intentLoopDashboard } from './intent-loop.js';
import { libraryExamples, type RunSample } from './library-examples.js';
import type { NamedQuery } from './named-query.js';
import type { BuiltDashboard } from './dashboard-plan.js';
import { renderDashboardQueries, renderLibraryQueries } from './query-files.js';
import { SERVICE } from './variables.js';

export { LOKI_DATASOURCE, TEMPO_DATASOURCE } from './datasources.js';
export { withSamples } from './dashboard-plan.js';
export type { BuiltDashboard, Samples } from './dashboard-plan.js';
export { DEMO_SAMPLE, libraryExamples } from './library-examples.js';
export type { RunSample } from './library-examples.js';
export type { NamedQuery } from './named-query.js';

/** The dashboards, built fresh on every call. */
export function buildDashboards(): BuiltDashboard[] {
  return [intentLoopDashboard(), eventExplorerDashboard(), agentFeedbackDashboard()];
}

/** Dashboard JSON as committed: two-space indent, trailing newline. */
export function dashboardJson(built: BuiltDashboard): string {
  return `${JSON.stringify(built.dashboard, null, 2)}\n`;
}

/**
 * Every generated file, by path relative to the repository root.
 *
 * @example
 * for (const [path, text] of generatedFiles()) writeFileSync(path, text);
 */
export function generatedFiles(): Map<string, string> {
  const dashboards = buildDashboards();
  const files = new Map<string, string>();
  for (const d of dashboards) files.set(`grafana/dashboards/${d.file}`, dashboardJson(d));
  files.set('grafana/queries/library.md', renderLibraryQueries(libraryExamples()));
  files.set('grafana/queries/dashboards.md', renderDashboardQueries(dashboards));
  return files;
}

/**
 * Every query factline ships: the library's examples, then every dashboard
 * panel's, each with sample values in place of variables. Pass the service
 * name and trace key of a run if they are not the demo's own (`intent-demo`,
 * `TRACE-015`).
 *
 * @example
 * for (const c of allQueries({ service: 'intent-e2e-x1', traceKey: 'TRACE-E2Ex1' })) if (c.kind === 'logql') await runLoki(c.expr);
 */
export function allQueries(sample: Partial<RunSample> = {}): NamedQuery[] {
  return [
    ...libraryExamples(sample),
    ...buildDashboards().flatMap((d) => d.queriesWith(sample.service === undefined ? d.samples : { ...d.samples, [SERVICE.name]: sample.service })),
  ];
}
