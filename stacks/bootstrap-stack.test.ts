import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Testing } from "cdktf";
import { bootstrap } from "../config/environments";
import { BootstrapStack } from "./bootstrap-stack";

const synth = () =>
  Testing.synth(
    new BootstrapStack(Testing.app(), "bootstrap", {
      ...bootstrap,
      ciEnvironments: [{ prefix: "dp", name: "prod", accountId: "333333333333" }],
    }),
  );

describe("BootstrapStack", () => {
  const out = synth();
  const json = JSON.parse(out);

  it("starts on local state", () => {
    expect(Object.keys(json.terraform.backend)).toEqual(["local"]);
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
          noncurrent_version_expiration: [{ noncurrent_days: bootstrap.noncurrentVersionExpiryDays }],
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

  it("lets each environment's CI roles reach only their own state, valid before the roles exist", () => {
    const policies = Object.values(json.resource.aws_s3_bucket_policy) as { policy: string }[];
    const st = policies
      .flatMap((p) => JSON.parse(p.policy).Statement)
      .filter((x: any) => x.Sid?.startsWith("Ci"));
    expect(st.map((x: any) => x.Sid)).toEqual(["CiListprod", "CiReadprod", "CiLockprod", "CiWriteprod"]);
    expect(st.every((x: any) => x.Principal.AWS === "arn:aws:iam::333333333333:root")).toBe(true);
    expect(st.find((x: any) => x.Sid === "CiLockprod").Condition.ArnEquals["aws:PrincipalArn"]).toEqual([
      "arn:aws:iam::333333333333:role/dp-prod-ci-plan",
    ]);
    expect(st.find((x: any) => x.Sid === "CiWriteprod").Resource).toMatch(/\/prod\/\*$/);
  });

  it("creates a DynamoDB lock table keyed by LockID when asked", () => {
    expect(out).toHaveResourceWithProperties(DynamodbTable, {
      hash_key: "LockID",
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
    });
  });
});
