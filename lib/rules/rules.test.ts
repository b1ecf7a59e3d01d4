import { calendarDateProblem } from "./date";
import { glueTypeProblem } from "./glue-type";
import { bucketNameProblem, nameLengthProblem, prefixesCollide } from "./names";
import { logRetentionProblem } from "./retention";
import { scheduleExpressionProblem } from "./schedule";
import { timeZoneProblem } from "./timezone";

describe("scheduleExpressionProblem (EventBridge Scheduler)", () => {
  it.each([
    "cron(0 3 * * ? *)",
    "cron(30 3 ? * MON-FRI *)",
    "cron(0/15 * * * ? *)",
    "cron(0 9 L * ? *)",
    "cron(0 9 15W * ? 2027)",
    "cron(0 9 ? * 6#3 *)",
    "cron(0 9 ? * 6L *)",
    "cron(0 0 1 JAN,JUL ? *)",
    "cron(*/5 8-17 ? * 2-6 *)",
    "rate(1 hour)",
    "rate(15 minutes)",
    "rate(2 days)",
    "at(2027-03-01T09:00:00)",
  ])("accepts %s", (e) => {
    expect(scheduleExpressionProblem(e)).toBeUndefined();
  });

  it.each([
    ["cron(banana)", /six fields.*got 1/],
    ["cron(0 3 * * *)", /six fields.*got 5/],
    ["cron(0 27 * * ? *)", /hours: 27 is outside 0-23/],
    ["cron(60 3 * * ? *)", /minutes: 60 is outside 0-59/],
    ["cron(0 3 32 * ? *)", /day-of-month: 32 is outside 1-31/],
    ["cron(0 3 ? 13 MON *)", /month: 13 is outside 1-12/],
    ["cron(0 3 ? * 8 *)", /day-of-week: 8 is outside 1-7/],
    ["cron(0 3 * * ? 1969)", /year: 1969 is outside 1970-2199/],
    ["cron(0 3 * * * *)", /one of day-of-month and day-of-week must be "\?"/],
    ["cron(0 3 ? * ? *)", /cannot both be "\?"/],
    ["cron(? 3 * * ? *)", /minutes: "\?" is allowed only/],
    ["cron(0 3 ? * 2#1,3#2 *)", /only one expression/],
    ["cron(0 3 ? * 2#6 *)", /#1 to #5/],
    ["cron(0 3 ? * MON/2 *)", /"\/" is not allowed in day-of-week/],
    ["cron(0 3 * FOO ? *)", /"FOO" is not a number or JAN-DEC/],
    ["cron(0/0 3 * * ? *)", /step "0" must be a positive number/],
    ["rate(1 hours)", /singular/],
    ["rate(5 minute)", /plural/],
    ["rate(0 minutes)", /positive/],
    ["rate(5 weeks)", /rate\(\) takes/],
    ["at(2027-02-30T09:00:00)", /day 30 does not exist/],
    ["every day", /must be cron/],
  ])("refuses %s", (e, message) => {
    expect(scheduleExpressionProblem(e)).toMatch(message);
  });
});

describe("timeZoneProblem", () => {
  it("accepts IANA zones, UTC and links", () => {
    for (const tz of ["Asia/Tokyo", "UTC", "Etc/UTC", "America/Argentina/Buenos_Aires", "Asia/Calcutta"]) {
      expect(timeZoneProblem(tz)).toBeUndefined();
    }
  });
  it("refuses a misspelt zone with the nearest name", () => {
    expect(timeZoneProblem("Asia/Tokio")).toBe(
      '"Asia/Tokio" is not an IANA time zone (did you mean "Asia/Tokyo"?)',
    );
    expect(timeZoneProblem("JST+9")).toMatch(/not an IANA time zone/);
  });
});

describe("calendarDateProblem", () => {
  it("accepts real dates, leap days in leap years", () => {
    expect(calendarDateProblem("2024-02-29")).toBeUndefined();
    expect(calendarDateProblem("2024-12-31")).toBeUndefined();
  });
  it.each([
    ["2024-13-45", /month 13 does not exist/],
    ["2023-02-29", /day 29 does not exist in 2023-02/],
    ["2024-04-31", /day 31 does not exist/],
    ["2024-00-10", /month 00/],
    ["24-1-1", /YYYY-MM-DD/],
  ])("refuses %s", (d, m) => {
    expect(calendarDateProblem(d)).toMatch(m);
  });
});

describe("glueTypeProblem (Hive DDL)", () => {
  it.each([
    "string",
    "BIGINT",
    "decimal",
    "decimal(10,2)",
    "decimal(38)",
    "varchar(255)",
    "char(1)",
    "array<string>",
    "map<string,array<int>>",
    "struct<id:string,amount:decimal(12,2),tags:array<string>>",
    "array<struct<a:int, b: map<string, double>>>",
  ])("accepts %s", (t) => {
    expect(glueTypeProblem(t)).toBeUndefined();
  });
  it.each([
    ["strin", /"strin" is not a Hive type \(did you mean "string"\?\)/],
    ["decimal(40,2)", /precision 40 is outside 1-38/],
    ["decimal(5,6)", /scale 6 exceeds precision 5/],
    ["varchar(0)", /length 0 is outside 1-65535/],
    ["char(300)", /length 300 is outside 1-255/],
    ["array<string", /expected ">"/],
    ["array<>", /expected a type/],
    ["map<array<int>,string>", /map keys must be a primitive/],
    ["struct<a:int,a:string>", /"a" is repeated/],
    ["struct<a int>", /expected ":"/],
    ["string extra", /unexpected/],
    ["", /expected a type/],
  ])("refuses %s", (t, m) => {
    expect(glueTypeProblem(t)).toMatch(m);
  });
});

describe("logRetentionProblem", () => {
  it("accepts CloudWatch's values and names the nearest ones otherwise", () => {
    expect(logRetentionProblem(90)).toBeUndefined();
    expect(logRetentionProblem(3653)).toBeUndefined();
    expect(logRetentionProblem(45)).toMatch(/got 45; nearest: 30 or 60/);
    expect(logRetentionProblem(0)).toMatch(/nearest: 1/);
  });
});

describe("names", () => {
  it("enforces service name lengths", () => {
    expect(nameLengthProblem("iamRole", "r".repeat(64))).toBeUndefined();
    expect(nameLengthProblem("iamRole", "r".repeat(65))).toMatch(/65 characters \(at most 64\)/);
    expect(nameLengthProblem("bucket", "b".repeat(64))).toMatch(/at most 63/);
  });
  it("applies S3 bucket naming rules", () => {
    expect(bucketNameProblem("dp-dev-111111111111-raw")).toBeUndefined();
    expect(bucketNameProblem("Dp")).toMatch(/3-63|lowercase/);
    expect(bucketNameProblem("a..b")).toMatch(/adjacent dots/);
  });
  it("finds prefixes that would read each other's data", () => {
    expect(prefixesCollide("saas/orders", "saas/orders")).toBe(true);
    expect(prefixesCollide("saas/orders", "saas/orders/eu")).toBe(true);
    expect(prefixesCollide("saas/orders", "saas/orders_eu")).toBe(false);
  });
});
