/** Defaults of the Curate props, in one place (import-free: config can reference them). */
export const CURATE_DEFAULTS = {
  usdPerTbScanned: 5,
  queryTimeoutSeconds: 3600,
  executionTimeoutSeconds: 21_600,
  memoryMb: 256,
  reservedConcurrency: 5,
  scheduleTimezone: "Asia/Tokyo",
} as const;
