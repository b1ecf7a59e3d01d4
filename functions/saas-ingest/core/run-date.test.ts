import { MINIMAL_SETTINGS } from "../dev/demo-settings";
import { checkRunDate, localDate, resolveRunDate } from "./run-date";
import { parseSourceSettings } from "./settings";

const at = (iso: string) => Date.parse(iso);

describe("business date (runDate policy)", () => {
  it.each([
    // [instant (UTC), policy, zone, dt]
    ["2026-11-28T14:59:59Z", "local-today", "Asia/Tokyo", "2026-11-28"], // 23:59:59 JST
    ["2026-11-28T15:00:00Z", "local-today", "Asia/Tokyo", "2026-11-29"], // 00:00 JST
    ["2026-11-28T14:59:59Z", "local-yesterday", "Asia/Tokyo", "2026-11-27"],
    ["2026-11-28T15:00:00Z", "local-yesterday", "Asia/Tokyo", "2026-11-28"],
    ["2026-11-28T18:00:00Z", "local-yesterday", "Asia/Tokyo", "2026-11-28"], // the 03:00 JST nightly run
    ["2026-11-28T18:00:00Z", "utc-today", "Asia/Tokyo", "2026-11-28"],
    ["2026-11-28T23:59:59Z", "utc-today", "Asia/Tokyo", "2026-11-28"], // 08:59 JST next day
    ["2026-11-29T00:00:00Z", "utc-today", "Asia/Tokyo", "2026-11-29"],
    ["2026-11-29T00:00:00Z", "local-today", "UTC", "2026-11-29"],
    ["2026-11-29T00:00:00Z", "local-yesterday", "UTC", "2026-11-28"],
    ["2026-03-01T00:30:00Z", "local-yesterday", "Asia/Tokyo", "2026-02-28"], // month end
    ["2025-01-01T00:30:00Z", "local-yesterday", "UTC", "2024-12-31"], // year end
    ["2026-03-08T07:30:00Z", "local-today", "America/New_York", "2026-03-08"], // DST day
  ] as const)("%s with %s in %s is dt=%s", (instant, policy, zone, dt) => {
    expect(resolveRunDate(policy, zone, at(instant))).toBe(dt);
  });

  it("defaults to local-yesterday in Asia/Tokyo (a nightly batch writes the business day that just ended)", () => {
    const s = parseSourceSettings("s", MINIMAL_SETTINGS);
    expect(s.runDate).toBe("local-yesterday");
    expect(s.scheduleTimezone).toBe("Asia/Tokyo");
    expect(resolveRunDate(s.runDate, s.scheduleTimezone, at("2026-11-28T18:00:00Z"))).toBe("2026-11-28");
  });

  it("refuses unknown policies and time zones, naming the field", () => {
    const base = MINIMAL_SETTINGS;
    expect(() => parseSourceSettings("s", { ...base, runDate: "yesterday" })).toThrow(/runDate:/);
    expect(() => parseSourceSettings("s", { ...base, scheduleTimezone: "Asia/Tokio" })).toThrow(
      /scheduleTimezone: must be an IANA time zone/,
    );
  });

  it("accepts explicit run dates from 2000-01-01 to tomorrow only", () => {
    const now = at("2026-11-28T12:00:00Z");
    expect(checkRunDate("2026-11-29", now)).toBe("2026-11-29");
    expect(checkRunDate("2000-01-01", now)).toBe("2000-01-01");
    expect(() => checkRunDate("2026-11-30", now)).toThrow(/from 2000-01-01 to 2026-11-29/);
    expect(() => checkRunDate("1999-12-31", now)).toThrow(/from 2000-01-01/);
    expect(() => checkRunDate("2026-02-30", now)).toThrow(/calendar date/);
    expect(localDate(now, "Asia/Tokyo")).toBe("2026-11-28");
  });
});
