import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * A drop-down of the other factline dashboards (by tag) in the dashboard's
 * top bar, keeping time range and variables. The SDK sets `placement:
 * inControlsMenu` by default, which hides the link in the controls menu;
 * without a placement Grafana draws it in the top bar.
 */
export function dashboardLinks(): cog.Builder<dashboard.DashboardLink>[] {
  const link = new dashboard.DashboardLinkBuilder('factline dashboards')
    .type(dashboard.DashboardLinkType.Dashboards)
    .tags(['factline'])
    .asDropdown(true)
    .includeVars(true)
    .keepTime(true);
  return [
    {
      build() {
        const built = link.build();
        delete built.placement;
        return built;
      },
    },
  ];
}
