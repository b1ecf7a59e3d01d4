/** Defaults of the agent host props, in one place (the module applies them; config can reference them). */
export const AGENT_HOST_DEFAULTS = {
  /** gp3 baseline IOPS (included in the price). */
  iops: 3000,
  /** gp3 baseline throughput, MiB/s. */
  throughputMiBps: 125,
  idleSessionTimeoutMinutes: 20,
  runAsUser: "ssm-user",
  logRetentionDays: 365,
  ebsAlarmUtilizationPercent: 90,
} as const;
