import { Token } from "cdktf";
import {
  ACCOUNT,
  actionsOf,
  awsTestStack,
  rolePolicy,
  statements,
  synthesize,
  testRole,
} from "../../test/helpers/stack";
import { SecureBucket } from ".";

function build(extra: Partial<ConstructorParameters<typeof SecureBucket>[2]> = {}) {
  const { stack, key } = awsTestStack();
  const logs = new SecureBucket(stack, "logs", {
    bucketName: "t-logs",
    accountId: "111111111111",
    receivesAccessLogs: true,
  });
  const bucket = new SecureBucket(stack, "data", {
    bucketName: "t-data",
    accountId: "111111111111",
    kmsKey: key,
    accessLogsBucket: logs,
    ...extra,
  });
  return { stack, key, bucket, logs };
}

describe("SecureBucket", () => {
  it("blocks all public access, disables ACLs, and encrypts with the customer key", () => {
    const s = synthesize(build().stack);
    for (const pab of Object.values(s.of("aws_s3_bucket_public_access_block"))) {
      expect(pab).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    }
    expect(
      Object.values(s.of("aws_s3_bucket_ownership_controls")).map((o) => o.rule.object_ownership),
    ).toEqual(["BucketOwnerEnforced", "BucketOwnerEnforced"]);
    const sse = s.one("aws_s3_bucket_server_side_encryption_configuration", "data").rule[0];
    expect(sse.apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
    expect(sse.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/aws_kms_key\.key.*\.arn/);
    expect(
      s.one("aws_s3_bucket_server_side_encryption_configuration", "logs").rule[0]
        .apply_server_side_encryption_by_default.sse_algorithm,
    ).toBe("AES256");
  });

  it("denies non-TLS and TLS < 1.2 access, and lets only S3 log delivery of this account write logs", () => {
    const s = synthesize(build().stack);
    const data = statements(s.one("aws_s3_bucket_policy", "data").policy);
    expect(data.map((st) => st.Sid)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls"]);
    const logs = statements(s.one("aws_s3_bucket_policy", "logs").policy);
    expect(logs[2]).toMatchObject({
      Principal: { Service: "logging.s3.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
    });
  });

  it("versions, logs to the log bucket under its own prefix, and has lifecycle rules", () => {
    const s = synthesize(
      build({ transitions: [{ days: 90, storageClass: "STANDARD_IA" }], expirationDays: 400 }).stack,
    );
    expect(s.one("aws_s3_bucket_versioning", "data").versioning_configuration.status).toBe("Enabled");
    expect(s.one("aws_s3_bucket_logging", "data").target_prefix).toBe("t-data/");
    const rules = s.one("aws_s3_bucket_lifecycle_configuration", "data").rule.map((r: any) => r.id);
    expect(rules).toEqual([
      "abort-incomplete-multipart-uploads",
      "expire-noncurrent-versions",
      "transition-current-versions",
      "expire-current-versions",
    ]);
    expect(s.one("aws_s3_bucket", "data").force_destroy).toBe(false);
  });

  it("grants scoped object access plus the key, never a wildcard bucket", () => {
    const { stack, bucket } = build();
    const role = testRole(stack, "fn");
    bucket.grantReadWrite(role, "saas/orders");
    const st = rolePolicy(synthesize(stack), "fn");
    expect(st[0]).toMatchObject({
      Action: ["s3:ListBucket", "s3:GetBucketLocation"],
      Condition: { StringLike: { "s3:prefix": ["saas/orders/*"] } },
    });
    expect(st[1].Resource).toMatch(/\/saas\/orders\/\*$/);
    expect(st[2].Action).toContain("kms:GenerateDataKey*");
  });

  it("refuses an invalid bucket name and a KMS key on a log bucket", () => {
    const { stack, key } = awsTestStack();
    expect(() => new SecureBucket(stack, "bad", { bucketName: "Bad_Name", accountId: ACCOUNT })).toThrow(
      /SecureBucket bad: bucketName "Bad_Name" may hold only/,
    );
    expect(
      () =>
        new SecureBucket(stack, "l", {
          bucketName: "ok-name",
          accountId: ACCOUNT,
          receivesAccessLogs: true,
          kmsKey: key,
        }),
    ).toThrow(/kmsKey must be unset when receivesAccessLogs/);
  });

  it("lists every problem in one error, each naming the prop and the value", () => {
    const { stack } = awsTestStack();
    let error: any;
    try {
      new SecureBucket(stack, "b", {
        bucketName: "ok-name",
        accountId: "1111",
        noncurrentVersionExpiryDays: 0,
        transitions: [{ days: 7, storageClass: "STANDARD_IA" }],
        prefixExpirations: [{ prefix: "_staging", days: 2 }],
        forceDestroy: true,
        protection: "strict",
      });
    } catch (e) {
      error = e;
    }
    expect(error?.name).toBe("InvalidPropsError");
    expect(error.problems).toEqual([
      'accountId must be a 12-digit AWS account id (got "1111")',
      'forceDestroy must be false when protection is "strict" (got true)',
      "noncurrentVersionExpiryDays must be an integer >= 1 (got 0)",
      `prefixExpirations[0].prefix must be a key prefix ending in '/' (got "_staging")`,
      "transitions[0].days must be an integer >= 30 (got 7)",
    ]);
  });

  it("skips values unknown until apply instead of guessing", () => {
    const { stack } = awsTestStack();
    const other = new SecureBucket(stack, "other", { bucketName: "other-b", accountId: ACCOUNT });
    expect(
      () =>
        new SecureBucket(stack, "tok", {
          bucketName: "tok-b",
          accountId: other.bucket.getStringAttribute("owner_id"),
          expirationDays: Token.asNumber(other.bucket.getNumberAttribute("x")),
        }),
    ).not.toThrow();
  });

  it("defaults to no force_destroy and no prevent_destroy; strict protection adds prevent_destroy", () => {
    const s = synthesize(build().stack);
    expect(s.one("aws_s3_bucket", "data").lifecycle).toBeUndefined();
    const strict = synthesize(build({ protection: "strict" }).stack);
    expect(strict.one("aws_s3_bucket", "data").lifecycle).toEqual({ prevent_destroy: true });
    expect(strict.one("aws_s3_bucket", "data").force_destroy).toBe(false);
    const none = synthesize(build({ protection: "none", forceDestroy: true }).stack);
    expect(none.one("aws_s3_bucket", "data").force_destroy).toBe(true);
  });

  it("grantRead grants list, get and decrypt only; grantPut only PutObject plus the key", () => {
    const { stack, bucket } = build();
    const reader = testRole(stack, "reader");
    const writer = testRole(stack, "writer");
    bucket.grantRead(reader);
    bucket.grantPut(writer, "in");
    const s = synthesize(stack);
    const read = rolePolicy(s, "reader");
    const actions = actionsOf(read);
    expect(actions).toEqual(expect.arrayContaining(["s3:GetObject", "s3:ListBucket", "kms:Decrypt"]));
    expect(actions.some((a: string) => /Put|Delete|Encrypt|GenerateDataKey/.test(a))).toBe(false);
    const put = rolePolicy(s, "writer");
    expect(put[0]).toMatchObject({ Action: ["s3:PutObject"] });
    expect(put[0].Resource).toMatch(/\/in\/\*$/);
    expect(put[1].Action).toContain("kms:GenerateDataKey*");
  });
});
