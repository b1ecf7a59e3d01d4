/** Defaults of the IngestFunction props, in one place (import-free: config can reference them). */
export const INGEST_DEFAULTS = {
  memoryMb: 512,
  timeoutSeconds: 900,
  reservedConcurrency: 5,
  heapMb: 128,
} as const;
