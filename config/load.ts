/**
 * Validates the raw configuration once and returns typed environments.
 *
 * Checks beyond the per-field schema (all collected, thrown once):
 * - unknown environment names (in the config or in the STACK_ENV selection);
 * - VPC CIDRs overlapping between environments (they must stay peerable), prefix /16../24;
 * - availability zones outside the region, or repeated;
 * - derived S3 bucket names breaking S3's naming rules (length, characters);
 * - state: only protection "none" may use local state; a DynamoDB lock needs a table name;
 * - only protection "none" allows force_destroy on data.
 */

import { PROTECTION } from "../lib/protection";
import { bucketNameProblem } from "../lib/rules/names";
import { didYouMean } from "../lib/suggest";
import { overlaps, parseCidr } from "./cidr";
import { ConfigError, checkStrict } from "./problems";
import {
  ENVIRONMENTS,
  type EnvironmentConfig,
  type EnvironmentInput,
  type EnvironmentName,
  environmentSchema,
} from "./schema";

/** Kept for callers of the former loader; sources are a registered list (config/sources.ts). */
export { loadSources } from "./sources";
export { bucketNameProblem, ConfigError };

/** Data lake bucket suffixes; the full name is `<prefix>-<env>-<account>-<suffix>`. */
export const BUCKET_SUFFIXES = [
  "raw",
  "curated",
  "athena-results",
  "access-logs",
  "iics-staging",
  "session-transcripts",
] as const;
export type BucketSuffix = (typeof BUCKET_SUFFIXES)[number];

export function bucketName(env: Pick<EnvironmentConfig, "prefix" | "name" | "aws">, suffix: string): string {
  return `${env.prefix}-${env.name}-${env.aws.accountId}-${suffix}`;
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
  problems.push(...isolationProblems(envs));

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
      if (env.protection !== "none") {
        problems.push(
          `${env.name}.state: STATE=local is refused for ${env.name} (protection "${env.protection}"); only protection "none" may use local state`,
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
  if (state.type === "local" && env.protection !== "none") {
    problems.push(
      `${n}.state.type: "local" is refused for ${n} (protection "${env.protection}"); use s3, gcs or cloud`,
    );
  }
  if (state.type === "s3") {
    const problem = bucketNameProblem(state.bucket);
    if (problem) problems.push(`${n}.state.bucket: ${problem}`);
    // The bootstrap stack's state store logs access to `<bucket>-logs` (S3: 63 characters).
    const logs = bucketNameProblem(`${state.bucket}-logs`);
    if (!problem && logs)
      problems.push(`${n}.state.bucket: its access-log bucket ${logs}; use at most 58 characters`);
    if (state.lock === "dynamodb" && !state.dynamodbTable) {
      problems.push(`${n}.state.dynamodbTable: required when state.lock is "dynamodb"`);
    }
  }
  const protection = PROTECTION[env.protection];
  if (env.aws.dataLake.forceDestroy && !protection.allowForceDestroyData) {
    problems.push(
      `${n}.aws.dataLake.forceDestroy: must be false with protection "${env.protection}" (data is never destroyed with the stack; only protection "none" allows it)`,
    );
  }
  for (const field of ["logRetentionDays"] as const) {
    if (env.aws[field] < protection.minLogRetentionDays) {
      problems.push(
        `${n}.aws.${field}: protection "${env.protection}" keeps logs at least ${protection.minLogRetentionDays} days (got ${env.aws[field]})`,
      );
    }
  }
  return problems;
}

/**
 * Isolation by construction: each environment has its own AWS account and its own state bucket
 * (created in that account by its bootstrap stack), so a principal of one environment has no path
 * to another's state. A shared state bucket or account cannot be configured.
 */
function isolationProblems(envs: EnvironmentConfig[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < envs.length; i++) {
    const a = envs[i];
    if (a.protection !== "none" && a.github.reviewers.users.length + a.github.reviewers.teams.length === 0) {
      problems.push(
        `${a.name}.github.reviewers: at least one user or team must approve ${a.name} deployments (protection "${a.protection}"; got none)`,
      );
    }
    for (let j = 0; j < i; j++) {
      const b = envs[j];
      if (a.aws.accountId === b.aws.accountId) {
        problems.push(
          `${a.name}.aws.accountId: "${a.aws.accountId}" is also ${b.name}'s account; each environment needs its own account (state and CI identities are isolated by account)`,
        );
      }
      const bucket = (e: EnvironmentConfig) =>
        e.state.type === "s3" || e.state.type === "gcs" ? e.state.bucket : undefined;
      if (bucket(a) !== undefined && bucket(a) === bucket(b)) {
        problems.push(
          `${a.name}.state.bucket: "${bucket(a)}" is also ${b.name}'s state bucket; each environment keeps its state in its own account's bucket`,
        );
      }
    }
    const first = envs[0];
    for (const field of ["repository", "repositoryId"] as const) {
      if (i > 0 && a.github[field] !== first.github[field]) {
        problems.push(
          `${a.name}.github.${field}: "${a.github[field]}" differs from ${first.name}.github.${field} "${first.github[field]}" (one repository deploys every environment)`,
        );
      }
    }
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
