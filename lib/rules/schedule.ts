/**
 * EventBridge Scheduler schedule expressions, checked as the service checks them:
 * `cron(min hour day-of-month month day-of-week year)`, `rate(n unit)`, `at(yyyy-mm-ddThh:mm:ss)`.
 *
 * | field        | values           | wildcards         |
 * |--------------|------------------|-------------------|
 * | minutes      | 0-59             | , - * /           |
 * | hours        | 0-23             | , - * /           |
 * | day-of-month | 1-31             | , - * ? / L W     |
 * | month        | 1-12 or JAN-DEC  | , - * /           |
 * | day-of-week  | 1-7 or SUN-SAT   | , - * ? L #       |
 * | year         | 1970-2199        | , - * /           |
 *
 * Exactly one of day-of-month and day-of-week is `?` (a value or `*` in one needs `?` in the other);
 * `#` allows a single expression in day-of-week. Source: EventBridge Scheduler User Guide,
 * "Schedule types" (cron-based, rate-based and one-time schedules).
 */
import { calendarDateProblem } from "./date";

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
  question?: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const FIELDS: Field[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31, question: true },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, question: true },
  { name: "year", min: 1970, max: 2199 },
];

function value(field: Field, text: string): number | string {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(text))
    return `"${text}" is not a number${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ""}`;
  const n = Number(text);
  if (n < field.min || n > field.max) return `${n} is outside ${field.min}-${field.max}`;
  return n;
}

function itemProblem(field: Field, item: string): string | undefined {
  const dom = field.name === "day-of-month";
  const dow = field.name === "day-of-week";
  if (item === "*") return undefined;
  if (dom && (item === "L" || item === "LW")) return undefined;
  if (dom && /^\d+W$/.test(item)) {
    const v = value(field, item.slice(0, -1));
    return typeof v === "string" ? v : undefined;
  }
  if (dow && item === "L") return undefined;
  if (dow && /^[^#]+L$/.test(item)) {
    const v = value(field, item.slice(0, -1));
    return typeof v === "string" ? v : undefined;
  }
  if (dow && item.includes("#")) {
    const [day, nth] = item.split("#");
    const v = value(field, day);
    if (typeof v === "string") return v;
    return /^[1-5]$/.test(nth ?? "") ? undefined : `"#${nth}" must be #1 to #5 (nth weekday of the month)`;
  }
  const [range, step, extra] = item.split("/");
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  if (step !== undefined) {
    if (dow) return `"/" is not allowed in day-of-week`;
    if (!/^\d+$/.test(step) || Number(step) < 1) return `step "${step}" must be a positive number`;
  }
  if (range === "*" && step !== undefined) return undefined;
  const bounds = range.split("-");
  if (bounds.length > 2 || bounds.some((b) => b === "")) return `"${item}" is not a value, range or step`;
  const values = bounds.map((b) => value(field, b));
  const bad = values.find((v) => typeof v === "string");
  if (bad !== undefined) return bad as string;
  return undefined;
}

function cronProblem(body: string): string | undefined {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    return `cron() needs six fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`;
  }
  for (const [i, text] of parts.entries()) {
    const field = FIELDS[i];
    if (text === "?") {
      if (!field.question) return `${field.name}: "?" is allowed only in day-of-month or day-of-week`;
      continue;
    }
    const items = text.split(",");
    if (field.name === "day-of-week" && text.includes("#") && items.length > 1) {
      return `${field.name}: with "#" only one expression is allowed (got "${text}")`;
    }
    for (const item of items) {
      const p = itemProblem(field, item);
      if (p) return `${field.name}: ${p} (field "${text}")`;
    }
  }
  const q = [parts[2] === "?", parts[4] === "?"];
  if (q[0] && q[1])
    return `day-of-month and day-of-week cannot both be "?"; one of them needs a value or "*"`;
  if (!q[0] && !q[1]) {
    return `one of day-of-month and day-of-week must be "?" (e.g. cron(${parts.slice(0, 4).join(" ")} ? ${parts[5]}))`;
  }
  return undefined;
}

/** Why `expression` is not a valid EventBridge Scheduler expression, or `undefined` when it is. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return cronProblem(cron[1]);
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) {
    const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(rate[1]);
    if (!m) return `rate() takes "<positive integer> <minute(s)|hour(s)|day(s)>" (got "${rate[1]}")`;
    const n = Number(m[1]);
    if (n < 1) return `rate() value must be a positive integer (got ${n})`;
    const singular = !m[2].endsWith("s");
    if (n === 1 && !singular)
      return `rate(1 ${m[2]}) must use the singular unit: rate(1 ${m[2].slice(0, -1)})`;
    if (n > 1 && singular) return `rate(${n} ${m[2]}) must use the plural unit: rate(${n} ${m[2]}s)`;
    return undefined;
  }
  const at = /^at\((\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const d = calendarDateProblem(at[1]);
    if (d) return `at(): ${d}`;
    if (Number(at[2]) > 23 || Number(at[3]) > 59 || Number(at[4]) > 59)
      return `at(): time is not a valid hh:mm:ss`;
    return undefined;
  }
  return `must be cron(min hour day-of-month month day-of-week year), rate(n unit) or at(yyyy-mm-ddThh:mm:ss) (got "${expression}")`;
}
