/** Defaults of the ReconcileFunction props, in one place (import-free). */
export const RECONCILE_DEFAULTS = { memoryMb: 512, timeoutSeconds: 300, reservedConcurrency: 1 } as const;
