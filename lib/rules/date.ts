/** Calendar dates (`YYYY-MM-DD`) that exist: `2024-13-45` and `2023-02-29` are refused. */
export function calendarDateProblem(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return `must be a date YYYY-MM-DD (got "${text}")`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12) return `month ${m[2]} does not exist (got "${text}")`;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > days) return `day ${m[3]} does not exist in ${m[1]}-${m[2]} (got "${text}")`;
  return undefined;
}
