import { environments } from "./environments";
import { ConfigError, loadEnvironments } from "./load";
import type { EnvironmentInput } from "./schema";

type Raw = Partial<Record<string, EnvironmentInput>>;
const clone = (): Raw => structuredClone(environments) as Raw;

function problemsOf(raw: Raw, options = {}): string[] {
  try {
    loadEnvironments(raw, options);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected the configuration to be refused");
}

describe("loadEnvironments", () => {
  it("accepts the embedded default and fills defaults", () => {
    const envs = loadEnvironments(clone());
    expect(envs.map((e) => e.name)).toEqual(["dev", "stg", "prod"]);
    expect(envs[0].aws.region).toBe("ap-northeast-1");
    expect(envs[0].gcp.location).toBe("asia-northeast1");
    expect(envs[0].aws.interfaceEndpoints).toContain("ssmmessages");
    expect(envs[0].aws.timestream.enabled).toBe(true);
  });

  it("refuses an invalid CIDR naming environment and field", () => {
    const raw = clone();
    raw.stg!.aws.vpcCidr = "10.20.0.1/16";
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^stg\.aws\.vpcCidr: must be an IPv4 CIDR.*10\.20\.0\.1\/16/),
    ]);
  });

  it("refuses overlapping VPC CIDRs between environments", () => {
    const raw = clone();
    raw.prod!.aws.vpcCidr = "10.10.128.0/17";
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^prod\.aws\.vpcCidr: .*overlaps dev\.aws\.vpcCidr/),
    ]);
  });

  it("refuses a VPC prefix outside /16../24", () => {
    const raw = clone();
    raw.dev!.aws.vpcCidr = "10.0.0.0/8";
    expect(problemsOf(raw).join("\n")).toMatch(/dev\.aws\.vpcCidr: prefix must be \/16 to \/24/);
  });

  it("refuses a prefix that makes bucket names break S3 rules", () => {
    const raw = clone();
    raw.dev!.prefix = "Data_Platform";
    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^dev\.prefix: must be 1-12 lowercase/)]);
    const long = clone();
    long.dev!.prefix = "xn--dp";
    expect(problemsOf(long).join("\n")).toMatch(
      /dev\.prefix: bucket name "xn--dp-dev-111111111111-raw" uses a reserved prefix/,
    );
    const state = clone();
    state.stg!.state = { type: "s3", bucket: `tfstate-${"x".repeat(60)}` };
    expect(problemsOf(state)).toEqual([
      expect.stringMatching(/^stg\.state\.bucket: "tfstate-x+" is 68 characters/),
    ]);
  });

  it("refuses unknown environments in config and in STACK_ENV", () => {
    expect(problemsOf({ ...clone(), qa: clone().dev })).toEqual([
      expect.stringMatching(/^qa: unknown environment/),
    ]);
    expect(problemsOf(clone(), { select: "dev,uat" })).toEqual([
      expect.stringMatching(/^STACK_ENV: unknown environment "uat"/),
    ]);
  });

  it("refuses missing and malformed ids", () => {
    const raw = clone();
    raw.dev!.aws.accountId = "12345";
    delete (raw.stg!.gcp as { projectId?: string }).projectId;
    const problems = problemsOf(raw);
    expect(problems).toContainEqual(
      expect.stringMatching(/^dev\.aws\.accountId: must be a 12-digit AWS account id \(got "12345"\)/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^stg\.gcp\.projectId: /));
  });

  it("refuses zones outside the region and repeated zones", () => {
    const raw = clone();
    raw.dev!.aws.availabilityZones = ["us-east-1a", "ap-northeast-1a", "ap-northeast-1a"];
    const problems = problemsOf(raw);
    expect(problems).toContainEqual(
      expect.stringMatching(/^dev\.aws\.availabilityZones\[0\]: "us-east-1a" is not a zone/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^dev\.aws\.availabilityZones\[2\]: .* listed twice/),
    );
  });

  it("refuses gp3 volume settings beyond gp3 limits", () => {
    const raw = clone();
    raw.dev!.aws.agentHost.dataVolume = { sizeGiB: 10, iops: 6000 };
    expect(problemsOf(raw)).toContainEqual(
      expect.stringMatching(/^dev\.aws\.agentHost\.dataVolume\.iops: .*500 per GiB/),
    );
  });

  it("keeps stg and prod off local state", () => {
    const raw = clone();
    raw.prod!.state = { type: "local" };
    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^prod\.state\.type: "local" is refused/)]);
    expect(problemsOf(clone(), { select: "stg", stateOverride: "local" })).toEqual([
      expect.stringMatching(/^stg\.state: STATE=local is refused/),
    ]);
    const dev = loadEnvironments(clone(), { select: "dev", stateOverride: "local" });
    expect(dev.map((e) => [e.name, e.state.type])).toEqual([["dev", "local"]]);
  });

  it("requires a table name for DynamoDB locking", () => {
    const raw = clone();
    raw.dev!.state = { type: "s3", bucket: "dp-tfstate-x", lock: "dynamodb" };
    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^dev\.state\.dynamodbTable: required/)]);
  });

  it("allows force_destroy of data only with protection none, whatever the environment is called", () => {
    const raw = clone();
    raw.prod!.aws.dataLake = { forceDestroy: true };
    raw.stg!.aws.dataLake = { forceDestroy: true };
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^stg\.aws\.dataLake\.forceDestroy: must be false with protection "standard"/),
      expect.stringMatching(/^prod\.aws\.dataLake\.forceDestroy: must be false with protection "strict"/),
    ]);
    const dev = clone();
    dev.dev!.protection = "standard";
    dev.dev!.github = { ...dev.dev!.github, reviewers: { users: ["octocat"] } };
    expect(problemsOf(dev)).toEqual([
      expect.stringMatching(/^dev\.aws\.dataLake\.forceDestroy: must be false with protection "standard"/),
    ]);
  });

  it("keeps a year of logs under strict protection, and types the level", () => {
    const raw = clone();
    raw.prod!.aws.logRetentionDays = 90;
    (raw.stg as { protection: string }).protection = "strcit";
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^stg\.protection: .*did you mean "strict"\?\) \(got "strcit"\)$/),
      'prod.aws.logRetentionDays: protection "strict" keeps logs at least 365 days (got 90)',
    ]);
  });

  it("reports every problem at once", () => {
    const raw = clone();
    raw.dev!.aws.accountId = "x";
    raw.stg!.aws.vpcCidr = "nope";
    expect(problemsOf(raw)).toHaveLength(2);
  });

  it("refuses a state bucket or an account shared between environments, and stg/prod without reviewers", () => {
    const raw = clone();
    raw.stg!.state = { type: "s3", bucket: "dp-tfstate-111111111111-apne1" };
    raw.prod!.aws.accountId = "111111111111";
    raw.prod!.github = { repository: "example-org/data-platform", repositoryId: "123456789" };
    expect(problemsOf(raw)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^stg\.state\.bucket: "dp-tfstate-111111111111-apne1" is also dev's state bucket/,
        ),
        expect.stringMatching(/^prod\.aws\.accountId: "111111111111" is also dev's account/),
        expect.stringMatching(/^prod\.github\.reviewers: at least one user or team must approve prod/),
      ]),
    );
  });

  it("refuses environments deployed from different repositories, and a non-numeric repository id", () => {
    const raw = clone();
    raw.prod!.github = { ...raw.prod!.github, repository: "someone/else" };
    raw.stg!.github = { ...raw.stg!.github, repositoryId: "abc" };
    expect(problemsOf(raw)).toEqual(
      expect.arrayContaining([
        'stg.github.repositoryId: must be the numeric GitHub repository id (got "abc")',
      ]),
    );
    const raw2 = clone();
    raw2.prod!.github = { ...raw2.prod!.github, repository: "someone/else" };
    expect(problemsOf(raw2)).toEqual([
      expect.stringMatching(
        /^prod\.github\.repository: "someone\/else" differs from dev\.github\.repository/,
      ),
    ]);
  });
});

describe("reviewers follow protection, not the environment's name", () => {
  it("requires an approver for a protected dev and none for an unprotected stg", () => {
    const raw = clone();
    raw.dev!.protection = "standard";
    raw.dev!.aws.dataLake = { iicsStaging: true };
    raw.stg!.protection = "none";
    raw.stg!.github = { ...raw.stg!.github, reviewers: { users: [], teams: [] } };
    expect(problemsOf(raw)).toEqual([
      'dev.github.reviewers: at least one user or team must approve dev deployments (protection "standard"; got none)',
    ]);
  });
});

describe("local state follows protection, not the environment's name", () => {
  it("refuses local state for a protected dev and allows it for an unprotected stg", () => {
    const raw = clone();
    raw.dev!.protection = "standard";
    raw.dev!.aws.dataLake = { iicsStaging: true };
    raw.dev!.github = { ...raw.dev!.github, reviewers: { users: ["octocat"] } };
    raw.dev!.state = { type: "local" };
    raw.stg!.protection = "none";
    raw.stg!.state = { type: "local" };
    expect(problemsOf(raw)).toEqual([
      'dev.state.type: "local" is refused for dev (protection "standard"); use s3, gcs or cloud',
    ]);
    raw.dev!.state = clone().dev!.state;
    expect(problemsOf(raw, { select: "dev", stateOverride: "local" })).toEqual([
      'dev.state: STATE=local is refused for dev (protection "standard"); only protection "none" may use local state',
    ]);
    expect(loadEnvironments(raw, { select: "stg", stateOverride: "local" })[0].state).toEqual({
      type: "local",
    });
  });
});

describe("the state bucket's derived access-log bucket", () => {
  it("keeps <bucket>-logs within S3's 63 characters", () => {
    const raw = clone();
    raw.dev!.state = { type: "s3", bucket: `tfstate-${"x".repeat(50)}` }; // 58: fits
    expect(() => loadEnvironments(raw)).not.toThrow();
    raw.dev!.state = { type: "s3", bucket: `tfstate-${"x".repeat(51)}` }; // 59
    expect(problemsOf(raw)).toEqual([
      `dev.state.bucket: its access-log bucket "tfstate-${"x".repeat(51)}-logs" is 64 characters (S3 allows 3-63); use at most 58 characters`,
    ]);
  });
});
