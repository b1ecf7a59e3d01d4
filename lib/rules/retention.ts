/** CloudWatch Logs retention: only these day counts are accepted (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function logRetentionProblem(days: number): string | undefined {
  if ((LOG_RETENTION_DAYS as readonly number[]).includes(days)) return undefined;
  const above = LOG_RETENTION_DAYS.find((d) => d > days);
  const below = [...LOG_RETENTION_DAYS].reverse().find((d) => d < days);
  const near = [below, above].filter((d) => d !== undefined).join(" or ");
  return `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(", ")} days (got ${days}; nearest: ${near})`;
}
