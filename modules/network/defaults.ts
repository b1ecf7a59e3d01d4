/** Defaults of the network props, in one place (the module applies them; config can reference them). */
export const NETWORK_DEFAULTS = {
  natGateways: "single",
  flowLogRetentionDays: 90,
} as const;
