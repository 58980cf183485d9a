/**
 * The data sources grafana/provisioning/datasources/factline.yaml provisions,
 * by their fixed uids. Panels refer to nothing else; test/grafana checks
 * both the dashboards and the YAML against these two constants.
 */
export const LOKI_DATASOURCE = { type: 'loki', uid: 'factline-loki' } as const;
export const TEMPO_DATASOURCE = { type: 'tempo', uid: 'factline-tempo' } as const;

export type DatasourceRef = typeof LOKI_DATASOURCE | typeof TEMPO_DATASOURCE;
