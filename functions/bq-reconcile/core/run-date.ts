/** Run dates of a reconciliation (no dependencies: the local CLI checks --date before loading anything). */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `s` is a real calendar date `YYYY-MM-DD`. */
export function isRunDate(s: unknown): s is string {
  if (typeof s !== "string" || !DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The calendar date in `timeZone`, `offsetDays` before `now` (scheduled runs check yesterday's load). */
export function defaultRunDate(now: number, offsetDays: number, timeZone: string): string {
  const local = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(now));
  const d = new Date(`${local}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - offsetDays);
  return d.toISOString().slice(0, 10);
}
