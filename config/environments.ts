/**
 * The embedded default configuration: three environments that synthesize and plan offline.
 * Replace the placeholder account ids, project ids and AMI ids with yours (see README, "Configure").
 */
import type { EnvironmentInput } from "./schema";

const common = {
  prefix: "dp",
  owner: "data-platform",
  costCenter: "cc-data-0001",
  github: { repository: "example-org/data-platform", repositoryId: "123456789" },
} as const;

/** RHEL 9 AMI in ap-northeast-1 (placeholder: look up the current one and pin it here). */
const RHEL9_AMI_AP_NORTHEAST_1 = "ami-0e0f1a2b3c4d5e6f7";

/**
 * One state bucket (and KMS key) per environment account, created by that account's
 * `<prefix>-bootstrap-<env>` stack: no principal of one environment can reach another's state.
 */
const stateBucket = (accountId: string) => `dp-tfstate-${accountId}-apne1`;
/** Who approves stg and prod deployments (GitHub logins / team slugs). Replace with yours. */
const approvers = { users: [], teams: ["platform-leads"] };

export const environments: Record<"dev" | "stg" | "prod", EnvironmentInput> = {
  dev: {
    ...common,
    protection: "none",
    aws: {
      accountId: "111111111111",
      vpcCidr: "10.10.0.0/16",
      availabilityZones: ["ap-northeast-1a", "ap-northeast-1c"],
      natGateways: "single",
      agentHost: {
        instanceType: "m6i.large",
        amiId: RHEL9_AMI_AP_NORTHEAST_1,
        rootVolume: { sizeGiB: 50 },
        dataVolume: { sizeGiB: 100 },
      },
      dataLake: { forceDestroy: true, iicsStaging: true },
      athena: { bytesScannedCutoffPerQuery: 10 * 1024 ** 3 },
      timestream: { enabled: true },
      logRetentionDays: 90,
    },
    gcp: {
      projectId: "dp-dev-000001",
      projectNumber: "100000000001",
      readerGroup: "data-readers-dev@example.com",
    },
    state: { type: "s3", bucket: stateBucket("111111111111"), lock: "lockfile" },
  },
  stg: {
    ...common,
    protection: "standard",
    github: { ...common.github, reviewers: approvers },
    aws: {
      accountId: "222222222222",
      vpcCidr: "10.20.0.0/16",
      availabilityZones: ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
      natGateways: "single",
      agentHost: {
        instanceType: "m6i.xlarge",
        amiId: RHEL9_AMI_AP_NORTHEAST_1,
        rootVolume: { sizeGiB: 50 },
        dataVolume: { sizeGiB: 200, iops: 4000, throughputMiBps: 250 },
      },
      dataLake: { iicsStaging: true },
      athena: { bytesScannedCutoffPerQuery: 50 * 1024 ** 3 },
    },
    gcp: {
      projectId: "dp-stg-000001",
      projectNumber: "100000000002",
      readerGroup: "data-readers-stg@example.com",
    },
    state: { type: "s3", bucket: stateBucket("222222222222"), lock: "lockfile" },
  },
  prod: {
    ...common,
    protection: "strict",
    github: { ...common.github, reviewers: approvers },
    aws: {
      accountId: "333333333333",
      vpcCidr: "10.30.0.0/16",
      availabilityZones: ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
      natGateways: "per-az",
      agentHost: {
        instanceType: "m6i.2xlarge",
        amiId: RHEL9_AMI_AP_NORTHEAST_1,
        rootVolume: { sizeGiB: 80, iops: 4000, throughputMiBps: 250 },
        dataVolume: { sizeGiB: 500, iops: 6000, throughputMiBps: 500 },
      },
      dataLake: { iicsStaging: true, rawTransitionDays: 90 },
      athena: { bytesScannedCutoffPerQuery: 100 * 1024 ** 3 },
      alarmEmails: ["data-oncall@example.com"],
    },
    gcp: {
      projectId: "dp-prod-000001",
      projectNumber: "100000000003",
      readerGroup: "data-readers@example.com",
    },
    state: { type: "s3", bucket: stateBucket("333333333333"), lock: "lockfile" },
  },
};
