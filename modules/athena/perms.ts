/** Athena action lists used by the workgroup's grant methods. */
export const ATHENA_READ_RESULTS = ["athena:GetQueryExecution", "athena:GetQueryResults"] as const;
export const ATHENA_RUN_QUERIES = [
  "athena:StartQueryExecution",
  ...ATHENA_READ_RESULTS,
  "athena:StopQueryExecution",
  "athena:GetWorkGroup",
] as const;
