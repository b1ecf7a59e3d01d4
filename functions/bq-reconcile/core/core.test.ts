import { athenaCountQuery } from "../adapters/athena";
import { countQuery, dateFilter } from "../adapters/bigquery";
import { authenticate, externalAccountClient, externalAccountConfig } from "../adapters/gcp-auth";
import { defaultRunDate, evaluate, isRunDate, type ResolvedCheck } from "./checks";

const NOW = Date.parse("2026-11-28T09:00:00Z");
const fresh = new Date(NOW - 3_600_000);

describe("evaluate", () => {
  const check = (tolerance: ResolvedCheck["tolerance"]) => ({ tolerance, freshnessHours: 24 });
  it("passes equal counts, fails any difference without tolerance, names the direction", () => {
    expect(evaluate(check({}), 100, 100, fresh, NOW).reasons).toEqual([]);
    expect(evaluate(check({}), 100, 99, fresh, NOW)).toMatchObject({
      difference: -1,
      reasons: ["short-load"],
    });
    expect(evaluate(check({}), 100, 200, fresh, NOW)).toMatchObject({
      difference: 100,
      differencePercent: 100,
      reasons: ["excess-load"],
    });
  });
  it("accepts a difference within rows or within percent", () => {
    expect(evaluate(check({ rows: 5 }), 100, 95, fresh, NOW).reasons).toEqual([]);
    expect(evaluate(check({ rows: 5 }), 100, 94, fresh, NOW).reasons).toEqual(["short-load"]);
    expect(evaluate(check({ percent: 1 }), 1000, 990, fresh, NOW).reasons).toEqual([]);
    expect(evaluate(check({ percent: 1 }), 1000, 989, fresh, NOW).reasons).toEqual(["short-load"]);
    // Nothing in Athena but rows in BigQuery is never "within a percent".
    expect(evaluate(check({ percent: 50 }), 0, 3, fresh, NOW).reasons).toEqual(["excess-load"]);
  });
  it("is stale past freshnessHours, with the lateness in hours", () => {
    const e = evaluate(check({}), 1, 1, new Date(NOW - 30 * 3_600_000), NOW);
    expect(e).toMatchObject({ stale: true, latenessHours: 6, reasons: ["stale"] });
    expect(evaluate(check({}), 1, 1, new Date(NOW - 24 * 3_600_000), NOW).stale).toBe(false);
  });
});

describe("run dates", () => {
  it("accepts real calendar dates only", () => {
    expect(isRunDate("2026-11-27")).toBe(true);
    for (const bad of ["2026-02-30", "2026-1-01", "20261127", "", 20261127, undefined])
      expect(isRunDate(bad)).toBe(false);
  });
  it("the default is yesterday in the schedule's time zone", () => {
    // 2026-11-28 23:30 UTC is already 2026-11-29 in Tokyo.
    const late = Date.parse("2026-11-28T23:30:00Z");
    expect(defaultRunDate(late, 1, "Asia/Tokyo")).toBe("2026-11-28");
    expect(defaultRunDate(late, 1, "UTC")).toBe("2026-11-27");
    expect(defaultRunDate(Date.parse("2026-03-01T03:00:00Z"), 1, "Asia/Tokyo")).toBe("2026-02-28");
  });
});

describe("queries", () => {
  const c: ResolvedCheck = {
    id: "x",
    athena: { database: "dp_dev_raw", table: "demo_orders", dateColumn: "dt" },
    bigquery: { projectId: "p", datasetId: "dwh", table: "t", dateColumn: "ts", dateColumnType: "TIMESTAMP" },
    tolerance: {},
    freshnessHours: 1,
  };
  it("filters BigQuery on the partition column with a parameter, per column type", () => {
    expect(dateFilter("d", "DATE")).toBe("`d` = @runDate");
    expect(dateFilter("ts", "TIMESTAMP")).toBe(
      "`ts` >= TIMESTAMP(@runDate) AND `ts` < TIMESTAMP(DATE_ADD(@runDate, INTERVAL 1 DAY))",
    );
    expect(countQuery(c)).toBe(
      "SELECT COUNT(*) AS row_count FROM `p.dwh.t` WHERE `ts` >= TIMESTAMP(@runDate) AND `ts` < TIMESTAMP(DATE_ADD(@runDate, INTERVAL 1 DAY))",
    );
  });
  it("counts Athena with a positional parameter, never a literal", () => {
    expect(athenaCountQuery(c)).toBe(
      'SELECT COUNT(*) FROM "dp_dev_raw"."demo_orders" WHERE CAST("dt" AS varchar) = ?',
    );
  });
});

describe("keyless credential configuration", () => {
  const cfg = externalAccountConfig({
    projectNumber: "123456789012",
    poolId: "dp-prod-pool",
    providerId: "aws",
    serviceAccountEmail: "bq-reconcile@dp-prod-000001.iam.gserviceaccount.com",
  });
  it("names the WIF audience and the service account, and holds no key material", () => {
    expect(cfg.audience).toBe(
      "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/dp-prod-pool/providers/aws",
    );
    expect(cfg.service_account_impersonation_url).toBe(
      "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/bq-reconcile@dp-prod-000001.iam.gserviceaccount.com:generateAccessToken",
    );
    expect(cfg.credential_source).toEqual({
      environment_id: "aws1",
      regional_cred_verification_url:
        "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15",
    });
    expect(JSON.stringify(cfg)).not.toMatch(
      /private_key|client_secret|BEGIN|secret_access|AKIA|refresh_token/i,
    );
  });

  it("reports missing AWS credentials as a failure of the AWS signature step", async () => {
    const saved = { ...process.env };
    for (const k of [
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
    ])
      delete process.env[k];
    try {
      await expect(authenticate(externalAccountClient(cfg))).rejects.toMatchObject({ step: "aws-signature" });
    } finally {
      process.env = saved;
    }
  });
});
