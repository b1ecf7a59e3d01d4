import { fakeBundle, pipelineTestStack, TOPIC_ARN } from "../../test/helpers/pipeline";
import { ACCOUNT, statements, synthesize } from "../../test/helpers/stack";
import { Athena } from "../athena";
import { SecureBucket } from "../secure-bucket";
import { RECONCILE_DEFAULTS, ReconcileFunction, type ReconcileFunctionProps } from ".";

function make(overrides: Partial<ReconcileFunctionProps> = {}) {
  const t = pipelineTestStack();
  const results = new SecureBucket(t.stack, "results", {
    bucketName: "dp-dev-results",
    kmsKey: t.key,
    accountId: ACCOUNT,
  });
  const athena = new Athena(t.stack, "athena", {
    name: "dp-dev",
    resultsBucket: results,
    key: t.key,
    bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
  });
  const r = new ReconcileFunction(t.stack, "bq-reconcile", {
    functionName: "dp-dev-bq-reconcile",
    roleName: "dp-dev-bq-reconcile",
    accountId: ACCOUNT,
    region: "ap-northeast-1",
    bundle: fakeBundle("bq-reconcile"),
    key: t.key,
    settings: t.settings,
    athena,
    glueDatabases: ["dp_dev_raw"],
    dataBuckets: [t.raw],
    reportBucket: t.raw,
    checkIds: ["orders"],
    gcp: {
      projectId: "p",
      projectNumber: "123",
      location: "asia-northeast1",
      poolId: "dp-dev-pool",
      providerId: "aws",
      serviceAccountEmail: "bq-reconcile@p.iam.gserviceaccount.com",
    },
    maximumBytesBilled: 1024 ** 3,
    schedule: { expression: "cron(0 9 * * ? *)", timezone: "Asia/Tokyo", runDateOffsetDays: 1 },
    monitoring: t.alarms,
    ...overrides,
  });
  return { ...t, r, s: () => synthesize(t.stack) };
}

describe("ReconcileFunction", () => {
  it("gives the function a keyless credential configuration and its defaults", () => {
    const { s, r } = make();
    const fn = s().one("aws_lambda_function");
    expect(fn).toMatchObject({ memory_size: RECONCILE_DEFAULTS.memoryMb, reserved_concurrent_executions: 1 });
    const cfg = JSON.parse(fn.environment.variables.GOOGLE_EXTERNAL_ACCOUNT);
    expect(cfg.type).toBe("external_account");
    expect(cfg.audience).toContain(
      "projects/123/locations/global/workloadIdentityPools/dp-dev-pool/providers/aws",
    );
    expect(JSON.stringify(cfg)).not.toMatch(/private_key|client_secret/);
    expect(fn.environment.variables.GOOGLE_EXTERNAL_ACCOUNT).toBe(r.credentialConfig);
  });

  it("reads Glue only in its databases and writes only its report prefix", () => {
    const { s } = make();
    const policy = Object.entries(s().of("aws_iam_role_policy")).find(([k]) =>
      k.includes("bq-reconcile_role_grants"),
    )![1];
    const text = JSON.stringify(statements(policy.policy));
    expect(text).toContain("database/dp_dev_raw");
    expect(text).toContain("table/dp_dev_raw/*");
    expect(text).toContain("/_reports/bq-reconcile/*");
    expect(text).not.toMatch(/glue:(Create|Update|Delete)/);
  });

  it("creates its per-check alarms in its own scope, notifying the topic", () => {
    const { s, alarms } = make({ checkIds: ["orders", "customers"] });
    const all = Object.entries(s().of("aws_cloudwatch_metric_alarm"));
    expect(all.every(([k]) => k.startsWith("bq-reconcile_"))).toBe(true);
    expect(all.every(([, a]) => a.alarm_actions[0] === TOPIC_ARN)).toBe(true);
    expect(all.map(([, a]) => a.alarm_name).sort()).toEqual([
      "dp-dev-bq-reconcile-customers-failed",
      "dp-dev-bq-reconcile-customers-no-result",
      "dp-dev-bq-reconcile-customers-stale",
      "dp-dev-bq-reconcile-errors",
      "dp-dev-bq-reconcile-orders-failed",
      "dp-dev-bq-reconcile-orders-no-result",
      "dp-dev-bq-reconcile-orders-stale",
    ]);
    expect(alarms.widgets).toEqual(["Reconcile: row difference and lateness (hours)"]);
  });

  it("reports every invalid prop at once", () => {
    expect(() => make({ checkIds: [], functionName: `x${"y".repeat(64)}`, maximumBytesBilled: 5 })).toThrow(
      /^ReconcileFunction test\/bq-reconcile: checkIds: at least one check \(got none\); functionName: also the schedule's name, at most 64 characters \(got 65: "xy+"\); maximumBytesBilled: an integer of at least 10 MiB, BigQuery's minimum \(got 5\)$/,
    );
  });
});
