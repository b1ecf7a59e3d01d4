import { spawnSync } from "node:child_process";
import { TS_FLAGS } from "../scripts/lib/ts-flags";
import { loadAppConfig } from ".";
import { environments } from "./environments";
import { ConfigError } from "./problems";
import { defineList, entryOf } from "./registry";
import { sourceSchema } from "./schema";
import { defineSource, sources } from "./sources";
import { transforms } from "./transforms";

type Loose = any;
const envs = (): Loose => structuredClone(environments);
const srcs = (): Loose[] => structuredClone(sources.entries) as Loose[];

function problemsOf(input: { environments?: Loose; sources?: Loose[] }, select?: string) {
  try {
    loadAppConfig(
      { select },
      {
        environments: input.environments ?? envs(),
        lists: [{ ...sources, entries: input.sources ?? srcs() }],
      },
    );
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the configuration to be refused");
}

describe("one strict edge: every mistake is one line naming the entry and field", () => {
  it("accepts the embedded configuration", () => {
    const config = loadAppConfig({});
    expect(config.lists.sources.map((s) => s.id)).toEqual(["demo_orders", "demo_customers"]);
  });

  it("refuses an unknown environment key with the near miss (natGateway for natGateways)", () => {
    const raw = envs();
    raw.prod.aws.natGateway = "per-az";
    expect(problemsOf({ environments: raw })).toEqual([
      'prod.aws.natGateway: unknown key (did you mean "natGateways"?)',
    ]);
  });

  it("refuses unknown keys at any depth and inside union members", () => {
    const raw = envs();
    raw.dev.aws.agentHost.dataVolume.iopss = 4000;
    raw.dev.state.lockk = "dynamodb";
    raw.dev.colour = "blue";
    expect(problemsOf({ environments: raw })).toEqual([
      'dev.aws.agentHost.dataVolume.iopss: unknown key (did you mean "iops"?)',
      'dev.state.lockk: unknown key (did you mean "lock"?)',
      "dev.colour: unknown key",
    ]);
  });

  it("accepts only CloudWatch retention values", () => {
    const raw = envs();
    raw.dev.aws.logRetentionDays = 45;
    expect(problemsOf({ environments: raw })).toEqual([
      expect.stringMatching(
        /^dev\.aws\.logRetentionDays: CloudWatch Logs accepts only 1, 3, .* \(got 45; nearest: 30 or 60\)$/,
      ),
    ]);
  });

  it("suggests the enum value for a typo", () => {
    const raw = envs();
    raw.prod.aws.natGateways = "per_az";
    expect(problemsOf({ environments: raw })).toEqual([
      expect.stringMatching(/^prod\.aws\.natGateways: .*did you mean "per-az"\?\) \(got "per_az"\)$/),
    ]);
  });

  it("names a source by id, never by position", () => {
    const s = srcs();
    s[0].settings.schedul = s[0].settings.schedule;
    delete s[0].settings.schedule;
    expect(problemsOf({ sources: s })).toEqual([
      'sources[demo_orders].settings.schedul: unknown key (did you mean "schedule"?)',
    ]);
  });

  it("checks source values against the services' rules, every problem at once", () => {
    const s = srcs();
    s[0].settings.schedule = "cron(banana)";
    s[0].startDate = "2024-13-45";
    s[0].columns[2].type = "strin";
    s[1].settings.schedule = "cron(0 27 * * ? *)";
    s[1].settings.scheduleTimezone = "Asia/Tokio";
    s[1].columns.push({ name: "tags", type: "array<struct<k:string,v:decimal(40,2)>>" });
    expect(problemsOf({ sources: s })).toEqual([
      'sources[demo_orders].startDate: month 13 does not exist (got "2024-13-45")',
      'sources[demo_orders].columns[2].type: "strin" is not a Hive type (did you mean "string"?) (in "strin")',
      'sources[demo_orders].settings.schedule: cron() needs six fields (minutes hours day-of-month month day-of-week year), got 1 (got "cron(banana)")',
      'sources[demo_customers].columns[3].type: decimal precision 40 is outside 1-38 (in "array<struct<k:string,v:decimal(40,2)>>")',
      'sources[demo_customers].settings.schedule: hours: 27 is outside 0-23 (field "27") (got "cron(0 27 * * ? *)")',
      'sources[demo_customers].settings.scheduleTimezone: "Asia/Tokio" is not an IANA time zone (did you mean "Asia/Tokyo"?)',
    ]);
  });

  it("refuses two sources writing one prefix, or one inside another, and repeated ids", () => {
    const s = srcs();
    s[1].settings.target.prefix = "saas/demo_orders/eu";
    s.push({ ...structuredClone(s[0]) });
    const problems = problemsOf({ sources: s });
    expect(problems).toContainEqual(
      'sources[demo_customers].settings.target.prefix: "saas/demo_orders/eu" overlaps sources[demo_orders].settings.target.prefix "saas/demo_orders" (each source needs its own prefix)',
    );
    expect(problems).toContainEqual(
      'sources[demo_orders].id: "demo_orders" is used twice (entries #0 and #2)',
    );
  });

  it("refuses repeated columns and names an entry without id by position", () => {
    const s = srcs();
    s[0].columns.push({ name: "id", type: "string" });
    delete s[1].id;
    expect(problemsOf({ sources: s })).toEqual([
      'sources[demo_orders].columns[5].name: column "id" is listed twice',
      "sources[#1].id: required",
    ]);
  });

  it("reports an unknown key of a strict zod object once (a secret pasted into auth)", () => {
    const s = srcs();
    s[0].settings.auth.token = "abc";
    expect(problemsOf({ sources: s })).toEqual(["sources[demo_orders].settings.auth.token: unknown key"]);
  });

  it("lists each problem once", () => {
    const raw = envs();
    raw.dev.aws.natGateway = "x";
    expect(new Set(problemsOf({ environments: raw })).size).toBe(problemsOf({ environments: raw }).length);
  });
});

describe("the list registry", () => {
  it("validates a registered list strictly, with cross-entry checks and earlier lists in context", () => {
    const table = sourceSchema.pick({ id: true, columns: true });
    const defineTable = entryOf(table);
    const tables = defineList({
      name: "tables",
      schema: table,
      entries: [
        defineTable({ id: "t1", columns: [{ name: "a", type: "int" }] }),
        { id: "t2", columns: [], colour: 1 } as Loose,
      ],
      check: (entries, ctx) => {
        const sourceIds = (ctx.lists.sources as Array<{ id: string }>).map((s) => s.id);
        for (const e of entries)
          if (!sourceIds.includes(e.id)) ctx.problem(e.id, "id", "no source has this id");
      },
    });
    let problems: string[] = [];
    try {
      loadAppConfig({}, { lists: [sources, tables] });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual([
      "tables[t2].colour: unknown key",
      expect.stringMatching(/^tables\[t2\]\.columns: Too small/),
      "tables[t1].id: no source has this id",
    ]);
  });

  it("types entries so tsc catches a misspelt key", () => {
    defineSource({
      ...structuredClone(sources.entries[0]),
      // @ts-expect-error `schedul` is not a settings field (tsc: "Did you mean to write 'schedule'?")
      settings: { ...sources.entries[0].settings, schedul: "x" },
    });
    expect(defineSource(sources.entries[0])).toBe(sources.entries[0]);
  });
});

describe("synth on a configuration mistake", () => {
  it("prints one line per problem and no stack trace, quickly", () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [...TS_FLAGS, "main.ts"], {
      env: { ...process.env, STACK_ENV: "dev,qa" },
      encoding: "utf8",
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      "Invalid configuration (1 problem):",
      '  - STACK_ENV: unknown environment "qa" (expected one of dev, stg, prod)',
    ]);
    expect(r.stdout).toBe("");
    // cdktf and the providers are not even loaded before the configuration is valid (about 0.6 s
    // of CPU on an idle machine); the bound only catches a regression to a full synth under load.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe("names derived from config ids fit the services' limits", () => {
  it("refuses a source id that makes its schedule name longer than 64 in some environment", () => {
    const s = srcs();
    // "dp-prod-saas-ingest-" is 20 characters: 44 left for the id in prod (45 in dev and stg).
    s[0].id = `a${"x".repeat(43)}`;
    s[1].id = `b${"x".repeat(44)}`;
    expect(problemsOf({ sources: s })).toEqual([
      `sources[${s[1].id}].id: schedule name "dp-prod-saas-ingest-${s[1].id}" (prod) is 65 characters; EventBridge Scheduler allows 64: use an id of at most 44 characters (got 45)`,
    ]);
    // An unscheduled source has no schedule name.
    delete s[1].settings.schedule;
    expect(() =>
      loadAppConfig({}, { environments: envs(), lists: [{ ...sources, entries: s }] }),
    ).not.toThrow();
  });

  it("checks a transform's schedule like a source's: expression, time zone, name length", () => {
    const t: Loose[] = structuredClone(transforms.entries) as Loose[];
    t[1].schedule = "cron(banana)";
    t[1].scheduleTimezone = "Asia/Tokio";
    t[2].schedule = "rate(1 hour)";
    // "dp-prod-curate-" is 15 characters: 49 left for the id.
    const long = `o${"x".repeat(49)}`;
    t[2].id = long;
    t[2].sql = "order_changes.sql";
    let problems: string[] = [];
    try {
      loadAppConfig({}, { environments: envs(), lists: [sources, { ...transforms, entries: t }] });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual([
      'transforms[daily_revenue].schedule: cron() needs six fields (minutes hours day-of-month month day-of-week year), got 1 (got "cron(banana)")',
      'transforms[daily_revenue].scheduleTimezone: "Asia/Tokio" is not an IANA time zone (did you mean "Asia/Tokyo"?)',
      `transforms[${long}].id: schedule name "dp-prod-curate-${long}" (prod) is 65 characters; EventBridge Scheduler allows 64: use an id of at most 49 characters (got 50)`,
    ]);
  });
});
