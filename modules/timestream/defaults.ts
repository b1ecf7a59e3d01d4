/** Defaults of the Timestream props, in one place (the module applies them; config can reference them). */
export const TIMESTREAM_DEFAULTS = {
  tableName: "pipeline_runs",
  memoryRetentionHours: 24,
  magneticRetentionDays: 365,
} as const;
