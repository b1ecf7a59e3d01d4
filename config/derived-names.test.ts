/**
 * Names derived from configuration ids: the config edge refuses what would be too long, and what
 * it accepts synthesizes within every service's name limit (the policy rules check every name), at
 * the longest prefix (12) and environment name (prod) the schema allows.
 */
import { Testing } from "cdktf";
import { evaluate } from "../policy/engine";
import { quotaRules } from "../policy/rules/aws/quotas";
import { AwsStack } from "../stacks/aws-stack";
import { GcpStack } from "../stacks/gcp-stack";
import { curateName, ingestFunctionName } from "../stacks/names";
import { synthesize } from "../test/helpers/stack";
import { loadAppConfig } from ".";
import { bigquery } from "./bigquery";
import { scheduleNameProblem } from "./derived-names";
import { environments } from "./environments";
import type { ConfigError } from "./problems";
import { sources } from "./sources";
import { transforms } from "./transforms";
import { transformSpecs } from "./transforms-load";

type Loose = any;
const PREFIX = "abcdefghijkl"; // the longest prefix the schema accepts
const envs = [{ name: "dev", prefix: "dp" } as const, { name: "prod", prefix: PREFIX } as const];

describe("scheduleNameProblem", () => {
  it("allows exactly 64 characters in the worst environment and names it and the room left", () => {
    // "abcdefghijkl-prod-saas-ingest-" is 30 characters: 34 left.
    expect(scheduleNameProblem(ingestFunctionName, "s".repeat(34), envs)).toBeUndefined();
    expect(scheduleNameProblem(ingestFunctionName, "s".repeat(35), envs)).toBe(
      `schedule name "${PREFIX}-prod-saas-ingest-${"s".repeat(35)}" (prod) is 65 characters; EventBridge Scheduler allows 64: use an id of at most 34 characters (got 35)`,
    );
    expect(scheduleNameProblem(curateName, "t".repeat(39), envs)).toBeUndefined();
    expect(scheduleNameProblem(curateName, "t".repeat(40), envs)).toMatch(/\(prod\) is 65 characters/);
    expect(scheduleNameProblem(ingestFunctionName, "s".repeat(63), [])).toBeUndefined();
  });
});

describe("the longest configuration the edge accepts", () => {
  const raw: Loose = structuredClone(environments);
  raw.prod.prefix = PREFIX;
  const sourceId = `s${"x".repeat(33)}`; // 34: the longest scheduled id with this prefix
  const transformId = `t${"x".repeat(38)}`; // 39
  const srcs: Loose[] = structuredClone(sources.entries) as Loose[];
  const extra = structuredClone(srcs[0]);
  extra.id = sourceId;
  extra.settings.target.prefix = `saas/${sourceId}`;
  srcs.push(extra);
  const tfs: Loose[] = structuredClone(transforms.entries) as Loose[];
  const changes = tfs.find((t) => t.id === "order_changes");
  changes.id = transformId;
  changes.target.table = "order_changes";
  changes.schedule = "cron(0 6 * * ? *)";
  const load = (edit: (s: Loose[], t: Loose[]) => void = () => {}) => {
    const s = structuredClone(srcs);
    const t = structuredClone(tfs);
    edit(s, t);
    return loadAppConfig(
      { select: "prod" },
      {
        environments: raw,
        lists: [{ ...sources, entries: s }, { ...transforms, entries: t }, bigquery],
      },
    );
  };

  it("refuses one character more, naming the entry", () => {
    const problems = (edit: (s: Loose[], t: Loose[]) => void) => {
      try {
        load(edit);
      } catch (e) {
        return (e as ConfigError).problems;
      }
      return [];
    };
    expect(problems((s) => (s[2].id = `${sourceId}y`))).toEqual([
      expect.stringMatching(new RegExp(`^sources\\[${sourceId}y\\]\\.id: schedule name .* is 65 characters`)),
    ]);
    expect(problems((_s, t) => (t[2].id = `${transformId}y`))).toEqual([
      expect.stringMatching(
        new RegExp(`^transforms\\[${transformId}y\\]\\.id: schedule name .* is 65 characters`),
      ),
    ]);
  });

  it("synthesizes every name within its service's limit", () => {
    const config = load();
    const env = config.environments[0];
    const aws = synthesize(
      new AwsStack(Testing.app(), `${PREFIX}-aws-prod`, {
        env,
        sources: [...config.lists.sources],
        transforms: transformSpecs(config.lists.transforms),
        bigquery: config.lists.bigquery,
      }),
    );
    const gcp = synthesize(
      new GcpStack(Testing.app(), `${PREFIX}-gcp-prod`, { env, tables: config.lists.bigquery.tables }),
    );
    const schedules = Object.values(aws.of("aws_scheduler_schedule")).map((s: Loose) => s.name);
    expect(schedules).toEqual(
      expect.arrayContaining([
        `${PREFIX}-prod-saas-ingest-${sourceId}`,
        `${PREFIX}-prod-curate-${transformId}`,
      ]),
    );
    expect(Math.max(...schedules.map((n: string) => n.length))).toBe(64);
    const report = evaluate(
      [
        { name: `${PREFIX}-aws-prod`, json: aws.json },
        { name: `${PREFIX}-gcp-prod`, json: gcp.json },
      ],
      quotaRules,
    );
    expect(report.violations).toEqual([]);
  });
});
