/**
 * EventBridge Scheduler expressions as a reader wants them: the local time in the schedule's zone
 * and in JST and UTC (`03:00 JST = 18:00 UTC (前日)`), for the batch list and the day's timeline.
 */

export interface DailyTime {
  /** Minutes after midnight in the schedule's own time zone. */
  localMinutes: number;
  /** Minutes after midnight in UTC, and the day shift against the local date (-1, 0, +1). */
  utcMinutes: number;
  utcDayShift: number;
}

/** Offset of `timeZone` from UTC in minutes at `at` (Asia/Tokyo: +540). */
export function zoneOffsetMinutes(timeZone: string, when = new Date("2026-01-15T00:00:00Z")): number {
  // Whole minutes: the parts below carry no seconds.
  const at = new Date(Math.floor(when.getTime() / 60_000) * 60_000);
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return Math.round((asUtc - at.getTime()) / 60_000);
}

/**
 * The one time of day a `cron(m h * * ? *)`-style expression fires at, when it fires once a day at
 * a fixed minute and hour (other fields may restrict days); undefined for anything else.
 */
export function dailyTime(expression: string, timeZone = "UTC"): DailyTime | undefined {
  const m = /^cron\((.+)\)$/.exec(expression.trim());
  if (!m) return undefined;
  const f = m[1].trim().split(/\s+/);
  if (f.length !== 6 || !/^\d{1,2}$/.test(f[0]) || !/^\d{1,2}$/.test(f[1])) return undefined;
  const localMinutes = Number(f[1]) * 60 + Number(f[0]);
  const utc = localMinutes - zoneOffsetMinutes(timeZone);
  const utcDayShift = Math.floor(utc / 1440);
  return { localMinutes, utcMinutes: utc - utcDayShift * 1440, utcDayShift };
}

export const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** `cron(0 3 * * ? *)` in Asia/Tokyo -> `03:00 JST / 18:00 UTC (-1d)`; other expressions as given. */
export function describeSchedule(
  expression: string,
  timeZone: string | undefined,
  words: { prevDay: string; nextDay: string },
): string {
  const tz = timeZone || "UTC";
  const t = dailyTime(expression, tz);
  if (!t) {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
    return rate ? `${expression} (${tz})` : `\`${expression}\` (${tz})`;
  }
  const jstMinutes = (t.utcMinutes + 540) % 1440;
  const shift = t.utcDayShift < 0 ? ` ${words.prevDay}` : t.utcDayShift > 0 ? ` ${words.nextDay}` : "";
  const jst = tz === "Asia/Tokyo" ? hhmm(t.localMinutes) : hhmm(jstMinutes);
  return `${jst} JST / ${hhmm(t.utcMinutes)} UTC${shift} — \`${expression}\` (${tz})`;
}
