/** Defaults of the BigQuery props, in one place (the module applies them; config can reference them). */
export const BIGQUERY_DEFAULTS = {
  stagingTableExpirationDays: 7,
  rotationDays: 90,
} as const;
