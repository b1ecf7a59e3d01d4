/** Defaults of the PipelineFunction props, in one place (import-free: config can reference them). */
export const PIPELINE_DEFAULTS = {
  memoryMb: 512,
  timeoutSeconds: 300,
  reservedConcurrency: 1,
  logRetentionDays: 365,
  asyncRetries: 2,
  asyncMaxEventAgeSeconds: 6 * 3600,
  scheduleRetries: 2,
  scheduleMaxEventAgeSeconds: 3600,
} as const;
