/** Dates the ops CLI takes (`--date`, `--from`/`--to`) and the next time a schedule fires. */
import { zoneOffsetMinutes } from "../docs/cron";
import { OpsError } from "./errors";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date between 2000-01-01 and 2099-12-31, or an error naming the flag. */
export function parseDate(value: string | undefined, flag: string): string {
  const m = value ? DATE.exec(value) : null;
  if (!value || !m)
    throw new OpsError(`${flag} must be a date YYYY-MM-DD (got ${JSON.stringify(value ?? null)})`);
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
    throw new OpsError(`${flag}: ${value} is not a calendar date`);
  if (Number(m[1]) < 2000 || Number(m[1]) > 2099)
    throw new OpsError(`${flag}: ${value} is outside 2000-2099`);
  return value;
}

/** Every date from `from` to `to`, inclusive; refuses a reversed or over-long range. */
export function dateRange(from: string, to: string, max = 3660): string[] {
  if (to < from) throw new OpsError(`--to ${to} is before --from ${from}`);
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); ; t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    if (d > to) break;
    out.push(d);
    if (out.length > max) throw new OpsError(`--from ${from} --to ${to} spans more than ${max} days`);
  }
  return out;
}

/** Today in a time zone (the business date of a nightly batch is the local one). */
export function today(timeZone = "Asia/Tokyo", now = new Date()): string {
  return new Date(now.getTime() + zoneOffsetMinutes(timeZone, now) * 60_000).toISOString().slice(0, 10);
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function matches(field: string, value: number, names: string[] = [], base = 0): boolean {
  if (field === "*" || field === "?") return true;
  return field.split(",").some((part) => {
    const [range, stepText] = part.split("/");
    const step = stepText ? Number(stepText) : 1;
    const num = (s: string) => {
      const i = names.indexOf(s.toUpperCase());
      return i >= 0 ? i + base : Number(s.replace(/[LW#].*$/, ""));
    };
    let lo: number;
    let hi: number;
    if (range === "*") [lo, hi] = [-Infinity, Infinity];
    else if (range.includes("-")) [lo, hi] = range.split("-").map(num) as [number, number];
    else [lo, hi] = [num(range), stepText ? Infinity : num(range)];
    return value >= lo && value <= hi && (value - (Number.isFinite(lo) ? lo : 0)) % step === 0;
  });
}

/**
 * The next time (after `now`) an EventBridge Scheduler `cron(...)` expression fires in `timeZone`,
 * searching up to `days` ahead; `rate(...)` and `at(...)` return undefined (no fixed clock).
 */
export function nextRun(
  expression: string | undefined,
  timeZone = "UTC",
  now = new Date(),
  days = 400,
): Date | undefined {
  const m = expression ? /^cron\((.+)\)$/.exec(expression.trim()) : null;
  if (!m) return undefined;
  const [min, hour, dom, mon, dow, year] = m[1].trim().split(/\s+/);
  const offset = zoneOffsetMinutes(timeZone, now);
  const start = Math.floor(now.getTime() / 60_000) + 1;
  for (let t = start; t < start + days * 1440; t++) {
    const local = new Date((t + offset) * 60_000);
    if (
      matches(min, local.getUTCMinutes()) &&
      matches(hour, local.getUTCHours()) &&
      matches(dom, local.getUTCDate()) &&
      matches(mon, local.getUTCMonth() + 1, MONTHS, 1) &&
      matches(dow, local.getUTCDay() + 1, DAYS, 1) &&
      (year === undefined || matches(year, local.getUTCFullYear()))
    )
      return new Date(t * 60_000);
  }
  return undefined;
}

/** `2026-11-29 03:00 JST` */
export function formatJst(d: Date | undefined): string {
  if (!d) return "-";
  return `${new Date(d.getTime() + 540 * 60_000).toISOString().slice(0, 16).replace("T", " ")} JST`;
}
