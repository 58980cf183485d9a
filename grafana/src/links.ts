import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** A drop-down of the other factline dashboards (by tag), keeping time range and variables. */
export function dashboardLinks(): dashboard.DashboardLinkBuilder[] {
  return [
    new dashboard.DashboardLinkBuilder('factline dashboards')
      .type(dashboard.DashboardLinkType.Dashboards)
      .tags(['factline'])
      .asDropdown(true)
      .includeVars(true)
      .keepTime(true),
  ];
}
