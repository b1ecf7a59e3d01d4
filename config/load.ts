/**
 * Validates the raw configuration once and returns typed environments.
 *
 * Checks beyond the per-field schema (all collected, thrown once):
 * - unknown environment names (in the config or in the STACK_ENV selection);
 * - VPC CIDRs overlapping between environments (they must stay peerable), prefix /16../24;
 * - availability zones outside the region, or repeated;
 * - derived S3 bucket names breaking S3's naming rules (length, characters);
 * - state: stg/prod never on local state; a DynamoDB lock needs a table name;
 * - prod never allows force_destroy on data.
 */
import { bucketNameProblem } from "../lib/rules/names";
import { didYouMean } from "../lib/suggest";
import { overlaps, parseCidr } from "./cidr";
import { ConfigError, checkStrict } from "./problems";
import {
  type BootstrapConfig,
  bootstrapSchema,
  ENVIRONMENTS,
  type EnvironmentConfig,
  type EnvironmentInput,
  type EnvironmentName,
  environmentSchema,
} from "./schema";

export { bucketNameProblem, ConfigError };

/** Data lake bucket suffixes; the full name is `<prefix>-<env>-<account>-<suffix>`. */
export const BUCKET_SUFFIXES = ["raw", "curated", "athena-results", "access-logs", "iics-staging"] as const;
export type BucketSuffix = (typeof BUCKET_SUFFIXES)[number];

export function bucketName(env: Pick<EnvironmentConfig, "prefix" | "name" | "aws">, suffix: string): string {
  return `${env.prefix}-${env.name}-${env.aws.accountId}-${suffix}`;
}

/** Validates the bootstrap settings (problems prefixed `bootstrap.`); never throws. */
export function checkBootstrap(raw: unknown): { config?: BootstrapConfig; problems: string[] } {
  const result = checkStrict("bootstrap", bootstrapSchema, raw);
  if (!result.ok) return { problems: result.problems };
  const problems: string[] = [];
  const bucket = bucketNameProblem(result.data.stateBucket);
  if (bucket) problems.push(`bootstrap.stateBucket: ${bucket}`);
  return { config: result.data, problems };
}

export interface LoadOptions {
  /** Comma-separated environments to select (STACK_ENV). @default - every configured environment */
  select?: string;
  /** `local` forces local state (offline work); refused for stg and prod. */
  stateOverride?: string;
}

export function loadEnvironments(
  raw: Partial<Record<string, EnvironmentInput>>,
  options: LoadOptions = {},
): EnvironmentConfig[] {
  const problems: string[] = [];
  const envs: EnvironmentConfig[] = [];
  for (const [name, input] of Object.entries(raw)) {
    if (!(ENVIRONMENTS as readonly string[]).includes(name)) {
      problems.push(
        `${name}: unknown environment (expected one of ${ENVIRONMENTS.join(", ")})${didYouMean(name, ENVIRONMENTS)}`,
      );
      continue;
    }
    const parsed = checkStrict(name, environmentSchema, input);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    envs.push({ ...parsed.data, name: name as EnvironmentName });
  }
  for (const env of envs) problems.push(...crossFieldProblems(env));
  problems.push(...overlapProblems(envs));

  let selected = envs;
  if (options.select?.trim()) {
    const wanted = options.select
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const w of wanted) {
      if (!(ENVIRONMENTS as readonly string[]).includes(w)) {
        problems.push(`STACK_ENV: unknown environment "${w}" (expected one of ${ENVIRONMENTS.join(", ")})`);
      } else if (!raw[w]) {
        problems.push(`STACK_ENV: environment "${w}" is not configured`);
      }
    }
    selected = envs.filter((e) => wanted.includes(e.name));
  }
  if (options.stateOverride !== undefined && options.stateOverride !== "") {
    if (options.stateOverride !== "local") {
      problems.push(`STATE: unknown value "${options.stateOverride}" (only "local" is accepted)`);
    }
    for (const env of selected) {
      if (env.name !== "dev") {
        problems.push(
          `${env.name}.state: STATE=local is refused for ${env.name}; stg and prod keep remote state`,
        );
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return options.stateOverride === "local"
    ? selected.map((e) => ({ ...e, state: { type: "local" as const } }))
    : selected;
}

function crossFieldProblems(env: EnvironmentConfig): string[] {
  const problems: string[] = [];
  const n = env.name;
  const c = parseCidr(env.aws.vpcCidr);
  if (c && (c.bits < 16 || c.bits > 24)) {
    problems.push(`${n}.aws.vpcCidr: prefix must be /16 to /24 (got "${env.aws.vpcCidr}")`);
  }
  const seen = new Set<string>();
  env.aws.availabilityZones.forEach((az, i) => {
    if (!new RegExp(`^${env.aws.region}[a-z]$`).test(az)) {
      problems.push(`${n}.aws.availabilityZones[${i}]: "${az}" is not a zone of ${env.aws.region}`);
    }
    if (seen.has(az)) problems.push(`${n}.aws.availabilityZones[${i}]: "${az}" is listed twice`);
    seen.add(az);
  });
  for (const suffix of BUCKET_SUFFIXES) {
    const problem = bucketNameProblem(bucketName(env, suffix));
    if (problem) problems.push(`${n}.prefix: bucket name ${problem}`);
  }
  const state = env.state;
  if (state.type === "local" && n !== "dev") {
    problems.push(`${n}.state.type: "local" is refused for ${n}; use s3, gcs or cloud`);
  }
  if (state.type === "s3") {
    const problem = bucketNameProblem(state.bucket);
    if (problem) problems.push(`${n}.state.bucket: ${problem}`);
    if (state.lock === "dynamodb" && !state.dynamodbTable) {
      problems.push(`${n}.state.dynamodbTable: required when state.lock is "dynamodb"`);
    }
  }
  if (n === "prod" && env.aws.dataLake.forceDestroy) {
    problems.push(
      `prod.aws.dataLake.forceDestroy: must be false in prod (data is never destroyed with the stack)`,
    );
  }
  return problems;
}

function overlapProblems(envs: EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < envs.length; i++) {
    for (let j = i + 1; j < envs.length; j++) {
      const a = parseCidr(envs[i].aws.vpcCidr);
      const b = parseCidr(envs[j].aws.vpcCidr);
      if (a && b && overlaps(a, b)) {
        problems.push(
          `${envs[j].name}.aws.vpcCidr: "${envs[j].aws.vpcCidr}" overlaps ${envs[i].name}.aws.vpcCidr "${envs[i].aws.vpcCidr}"`,
        );
      }
    }
  }
  return problems;
}
