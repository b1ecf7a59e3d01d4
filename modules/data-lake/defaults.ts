/**
 * Defaults of the data lake props, in one place: the module applies them, and the config schema
 * can reference them instead of repeating the numbers (no imports here: cheap for config to load).
 */
export const DATA_LAKE_DEFAULTS = {
  rawTransitionDays: 90,
  rawArchiveDays: 365,
  noncurrentVersionExpiryDays: 90,
  athenaResultsExpiryDays: 30,
  iicsStaging: false,
  forceDestroy: false,
} as const;
