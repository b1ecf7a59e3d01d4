/**
 * The run's business date (`dt` partition) when the event names none, from the source's
 * `runDate` policy in its `scheduleTimezone`:
 *
 * | policy            | a run at 2026-11-29 03:00 Asia/Tokyo (2026-11-28 18:00 UTC) writes |
 * |-------------------|---------------------------------------------------------------------|
 * | local-yesterday   | dt=2026-11-28 (default: a nightly batch loads the day that ended)    |
 * | local-today       | dt=2026-11-29                                                        |
 * | utc-today         | dt=2026-11-28                                                        |
 *
 * An explicit `event.runDate` wins; it must be a calendar date within `RUN_DATE_RANGE`.
 */
import { InvalidEventError } from "./errors";

export type RunDatePolicy = "utc-today" | "local-today" | "local-yesterday";

/** Accepted run dates: a backfill may go back to 2000; nothing may be dated more than a day ahead. */
export const RUN_DATE_MIN = "2000-01-01";

/** The calendar date of `epochMs` in `timeZone`, YYYY-MM-DD. */
export function localDate(epochMs: number, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(epochMs));
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function resolveRunDate(policy: RunDatePolicy, timeZone: string, now: number): string {
  switch (policy) {
    case "utc-today":
      return new Date(now).toISOString().slice(0, 10);
    case "local-today":
      return localDate(now, timeZone);
    case "local-yesterday":
      return addDays(localDate(now, timeZone), -1);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Validates an explicit run date: a real calendar date from RUN_DATE_MIN to tomorrow (UTC). */
export function checkRunDate(runDate: unknown, now: number): string {
  if (
    typeof runDate !== "string" ||
    !DATE.test(runDate) ||
    Number.isNaN(Date.parse(`${runDate}T00:00:00Z`)) ||
    new Date(`${runDate}T00:00:00Z`).toISOString().slice(0, 10) !== runDate
  ) {
    throw new InvalidEventError(
      `event.runDate: must be a calendar date YYYY-MM-DD (got ${JSON.stringify(runDate)})`,
    );
  }
  const max = addDays(new Date(now).toISOString().slice(0, 10), 1);
  if (runDate < RUN_DATE_MIN || runDate > max)
    throw new InvalidEventError(`event.runDate: must be from ${RUN_DATE_MIN} to ${max} (got "${runDate}")`);
  return runDate;
}
