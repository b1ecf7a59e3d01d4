import { ACCOUNT, awsTestStack, rolePolicy, synthesize, testRole } from "../../test/helpers/stack";
import { DataLake, type DataLakeProps } from ".";

function lake(extra: Partial<DataLakeProps> = {}) {
  const { stack, key } = awsTestStack();
  const l = new DataLake(stack, "lake", {
    bucketName: (suffix) => `dp-dev-${ACCOUNT}-${suffix}`,
    accountId: ACCOUNT,
    key,
    ...extra,
  });
  return { stack, lake: l };
}

describe("DataLake", () => {
  it("creates four buckets by default, all logging to the access-log bucket, data buckets on the key", () => {
    const s = synthesize(lake().stack);
    expect(
      Object.values(s.of("aws_s3_bucket"))
        .map((b) => b.bucket)
        .sort(),
    ).toEqual([
      `dp-dev-${ACCOUNT}-access-logs`,
      `dp-dev-${ACCOUNT}-athena-results`,
      `dp-dev-${ACCOUNT}-curated`,
      `dp-dev-${ACCOUNT}-raw`,
    ]);
    expect(Object.keys(s.of("aws_s3_bucket_logging"))).toHaveLength(3);
    const algorithms = Object.values(s.of("aws_s3_bucket_server_side_encryption_configuration")).map(
      (c) => c.rule[0].apply_server_side_encryption_by_default.sse_algorithm,
    );
    expect(algorithms.sort()).toEqual(["AES256", "aws:kms", "aws:kms", "aws:kms"]);
  });

  it("moves raw data to STANDARD_IA then GLACIER_IR and expires abandoned staging files", () => {
    const s = synthesize(lake({ rawTransitionDays: 60, rawArchiveDays: 200 }).stack);
    const rules = s.one("aws_s3_bucket_lifecycle_configuration", "lake_raw").rule;
    expect(rules.find((r: any) => r.id === "transition-current-versions").transition).toEqual([
      { days: 60, storage_class: "STANDARD_IA" },
      { days: 200, storage_class: "GLACIER_IR" },
    ]);
    expect(rules.find((r: any) => r.filter[0]?.prefix === "_staging/")).toMatchObject({
      filter: [{ prefix: "_staging/" }],
      expiration: [{ days: 2 }],
    });
  });

  it("creates the IICS staging bucket only when asked", () => {
    expect(lake().lake.iicsStaging).toBeUndefined();
    const { lake: l } = lake({ iicsStaging: true });
    expect(l.buckets.map((b) => b.node.id)).toContain("iics-staging");
  });

  it("puts prevent_destroy on every bucket under strict protection, and refuses forceDestroy unless none", () => {
    const strict = synthesize(lake({ protection: "strict" }).stack);
    for (const b of Object.values(strict.of("aws_s3_bucket")))
      expect(b.lifecycle).toEqual({ prevent_destroy: true });
    expect(() => lake({ forceDestroy: true })).toThrow(
      /forceDestroy must be false when protection is "standard"/,
    );
    const none = synthesize(lake({ protection: "none", forceDestroy: true }).stack);
    for (const b of Object.values(none.of("aws_s3_bucket"))) expect(b.force_destroy).toBe(true);
  });

  it("refuses lifecycle days S3 would reject, naming each prop", () => {
    expect(() => lake({ rawTransitionDays: 10, rawArchiveDays: 5 })).toThrow(
      "DataLake lake: rawTransitionDays must be an integer >= 30 (got 10); rawArchiveDays must be greater than rawTransitionDays (10) (got 5)",
    );
  });

  it("grants through a bucket include the lake key", () => {
    const { stack, lake: l } = lake();
    const role = testRole(stack, "r");
    l.curated.grantReadWrite(role, "orders");
    const st = rolePolicy(synthesize(stack), "r");
    expect(st.map((x) => x.Resource)).toEqual(
      expect.arrayContaining([expect.stringMatching(/aws_kms_key\.key_.*\.arn/)]),
    );
  });
});
