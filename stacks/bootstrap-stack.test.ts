import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Testing } from "cdktf";
import { environments } from "../config/environments";
import { loadEnvironments } from "../config/load";
import type { EnvironmentConfig } from "../config/schema";
import { BootstrapStack } from "./bootstrap-stack";

const prodEnv = () => loadEnvironments(structuredClone(environments)).find((e) => e.name === "prod")!;
const synth = (patch: (e: EnvironmentConfig) => void = () => {}) => {
  const env = prodEnv();
  patch(env);
  return Testing.synth(new BootstrapStack(Testing.app(), "dp-bootstrap-prod", { env }));
};

describe("BootstrapStack", () => {
  const out = synth((e) => {
    if (e.state.type === "s3")
      e.state = { ...e.state, lock: "dynamodb", dynamodbTable: "dp-prod-tfstate-lock" };
  });
  const json = JSON.parse(out);

  it("keeps the prod (strict) state bucket, its key and the lock table from destroy", () => {
    const kept = ["aws_s3_bucket", "aws_kms_key", "aws_dynamodb_table"].flatMap((t) =>
      Object.entries(json.resource[t] ?? {}).map(([id, r]: [string, any]) => [`${t}.${id}`, r.lifecycle]),
    );
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(kept.filter(([, l]) => l?.prevent_destroy !== true)).toEqual([]);
  });

  it("starts on local state at a path relative to its folder (no machine path in the JSON)", () => {
    expect(json.terraform.backend).toEqual({
      local: { path: "../../../terraform.dp-bootstrap-prod.tfstate" },
    });
    expect(out).not.toContain(process.cwd());
  });

  it("moves to its own bucket when config says state.bootstrapState = remote (no code edit)", () => {
    const remote = JSON.parse(
      synth((e) => {
        if (e.state.type === "s3") e.state = { ...e.state, bootstrapState: "remote" };
      }),
    );
    expect(remote.terraform.backend.s3).toMatchObject({
      bucket: "dp-tfstate-333333333333-apne1",
      key: "bootstrap/dp-bootstrap-prod.tfstate",
      encrypt: true,
      use_lockfile: true,
    });
  });

  it("lives in its environment's account only", () => {
    expect(json.provider.aws[0].allowed_account_ids).toEqual(["333333333333"]);
  });

  it("refuses an environment whose state is not S3, naming the field", () => {
    expect(() =>
      synth((e) => {
        e.state = { type: "gcs", bucket: "g", prefix: "" };
      }),
    ).toThrow(/prod\.state\.type: the bootstrap stack creates an S3 state store; got "gcs"/);
  });

  it("creates a versioned, KMS-encrypted, public-blocked state bucket with a rotating key", () => {
    expect(out).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(out).toHaveResourceWithProperties(S3BucketVersioningA, {
      versioning_configuration: { status: "Enabled" },
    });
    expect(out).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        expect.objectContaining({
          apply_server_side_encryption_by_default: expect.objectContaining({ sse_algorithm: "aws:kms" }),
        }),
      ],
    });
    expect(out).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("expires superseded state versions and denies non-TLS access", () => {
    expect(out).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: expect.arrayContaining([
        expect.objectContaining({
          noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        }),
      ]),
    });
    const policies = Object.values(json.resource.aws_s3_bucket_policy) as { policy: string }[];
    for (const p of policies) {
      expect(JSON.parse(p.policy).Statement).toContainEqual(
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      );
    }
  });

  it("grants no other account anything: every Allow in the bucket and key policies names this account", () => {
    const docs = [
      ...Object.values<any>(json.resource.aws_s3_bucket_policy).map((p) => p.policy),
      ...Object.values<any>(json.resource.aws_kms_key).map((k) => k.policy),
    ];
    const allows = docs.flatMap((d) => JSON.parse(d).Statement).filter((x: any) => x.Effect === "Allow");
    for (const a of allows) {
      const principals = JSON.stringify(a.Principal);
      expect(principals).not.toMatch(/"\*"|111111111111|222222222222/);
    }
    const bucketPolicy = JSON.parse(
      Object.values<any>(json.resource.aws_s3_bucket_policy).find((p) => p.policy.includes("DenyPlanWrites"))
        .policy,
    ).Statement;
    expect(bucketPolicy.map((x: any) => x.Sid)).toEqual(
      expect.arrayContaining(["DenyOtherAccounts", "DenyCiBucketChanges", "DenyPlanWrites"]),
    );
    expect(bucketPolicy.find((x: any) => x.Sid === "DenyOtherAccounts").Condition).toEqual({
      StringNotEquals: { "aws:PrincipalAccount": "333333333333" },
    });
  });

  it("creates a DynamoDB lock table keyed by LockID when asked", () => {
    expect(out).toHaveResourceWithProperties(DynamodbTable, {
      hash_key: "LockID",
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
      name: "dp-prod-tfstate-lock",
    });
  });
});
