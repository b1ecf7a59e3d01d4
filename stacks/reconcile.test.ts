/**
 * The reconcile Lambda across both stacks: its AWS resources, its keyless GCP identity, and that
 * the names agreed between the two stacks (role, audience, service account) match.
 */
import { Testing } from "cdktf";
import { loadAppConfig, loadListOnly } from "../config";
import { environments } from "../config/environments";
import { loadEnvironments } from "../config/load";
import { sources as sourceList } from "../config/sources";
import { statements, synthesize } from "../test/helpers/stack";
import { AwsStack } from "./aws-stack";
import { GcpStack } from "./gcp-stack";

const { bigquery } = loadAppConfig({}).lists;
const envs = loadEnvironments(structuredClone(environments));
const env = envs.find((e) => e.name === "prod")!;
const sources = [...loadListOnly(sourceList)];
const aws = synthesize(new AwsStack(Testing.app(), "dp-aws-prod", { env, sources, bigquery }));
const gcp = synthesize(
  new GcpStack(Testing.app(), "dp-gcp-prod", {
    env,
    tables: bigquery.tables,
    reconcileDatasets: bigquery.checks.map((c) => c.bigquery.dataset),
  }),
);
const fn = aws.one("aws_lambda_function", "bq-reconcile");
const vars = fn.environment.variables;

describe("reconcile Lambda (AWS)", () => {
  it("runs the bundled handler with its checks, workgroup, report bucket and BigQuery settings", () => {
    expect(fn).toMatchObject({
      function_name: "dp-prod-bq-reconcile",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      reserved_concurrent_executions: 1,
      tracing_config: { mode: "Active" },
    });
    expect(vars).toMatchObject({
      RECONCILE_CHECK_IDS: "orders",
      GCP_PROJECT_ID: "dp-prod-000001",
      BQ_LOCATION: "asia-northeast1",
      BQ_MAXIMUM_BYTES_BILLED: String(1024 ** 3),
      RUN_DATE_OFFSET_DAYS: "1",
      RUN_DATE_TIMEZONE: "Asia/Tokyo",
    });
    const item = Object.values(aws.of("aws_dynamodb_table_item")).find((i) =>
      i.item.includes("reconcile#orders"),
    );
    expect(JSON.parse(item.item)).toMatchObject({
      pk: { S: "reconcile#orders" },
      sk: { S: "config" },
      athena: { M: { database: { S: "dp_prod_raw" }, table: { S: "demo_orders" } } },
      bigquery: { M: { datasetId: { S: "dwh" }, dateColumnType: { S: "DATE" } } },
    });
  });

  it("gets a credential configuration with no key material, naming the WIF audience and service account", () => {
    const raw: string = vars.GOOGLE_EXTERNAL_ACCOUNT;
    expect(raw).not.toMatch(
      /private_key|client_secret|BEGIN [A-Z ]*PRIVATE|refresh_token|AKIA|secret_access_key/i,
    );
    const cfg = JSON.parse(raw);
    expect(Object.keys(cfg).sort()).toEqual([
      "audience",
      "credential_source",
      "service_account_impersonation_url",
      "subject_token_type",
      "token_url",
      "type",
    ]);
    expect(cfg).toMatchObject({
      type: "external_account",
      audience:
        "//iam.googleapis.com/projects/100000000003/locations/global/workloadIdentityPools/dp-prod-pool/providers/aws",
      subject_token_type: "urn:ietf:params:aws:token-type:aws4_request",
      token_url: "https://sts.googleapis.com/v1/token",
      service_account_impersonation_url:
        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/bq-reconcile@dp-prod-000001.iam.gserviceaccount.com:generateAccessToken",
      credential_source: { environment_id: "aws1" },
    });
    // No key anywhere in either stack.
    expect(aws.text).not.toMatch(/"private_key"|BEGIN [A-Z ]*PRIVATE KEY/);
    expect(Object.keys(gcp.of("google_service_account_key"))).toEqual([]);
  });

  it("may run Athena queries, read Glue and the lake, write results and reports, and nothing in GCP by key", () => {
    const role = Object.values(aws.of("aws_iam_role")).find((r) => r.name === "dp-prod-bq-reconcile");
    expect(role).toBeDefined();
    const policy = Object.values(aws.of("aws_iam_role_policy")).find((p) =>
      p.role.includes("aws_iam_role.bq-reconcile_role_"),
    );
    const st = statements(policy.policy);
    const actions = st.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        "athena:StartQueryExecution",
        "glue:GetTable",
        "s3:GetObject",
        "dynamodb:PutItem",
      ]),
    );
    expect(actions.some((a: string) => /^(glue:(Create|Update|Delete)|athena:\*|s3:\*|iam:)/.test(a))).toBe(
      false,
    );
    const glue = st.find((s) => [s.Action].flat().includes("glue:GetTable"));
    expect(glue.Resource).toEqual(expect.arrayContaining([expect.stringMatching(/:database\/dp_prod_raw$/)]));
    const writes = st.filter((s) => [s.Action].flat().includes("s3:PutObject"));
    const writable = writes.flatMap((s) => [s.Resource].flat()).sort();
    expect(writable).toEqual([
      expect.stringMatching(/^\$\{aws_s3_bucket\.data-lake_athena-results_bucket_\w+\.arn\}\/results\/\*$/),
      expect.stringMatching(
        /^\$\{aws_s3_bucket\.data-lake_curated_bucket_\w+\.arn\}\/_reports\/bq-reconcile\/\*$/,
      ),
    ]);
  });

  it("runs on a schedule after the load window and alarms on failed, stale and missing checks", () => {
    const schedule = aws.one("aws_scheduler_schedule", "bq-reconcile");
    expect(schedule).toMatchObject({
      schedule_expression: "cron(0 9 * * ? *)",
      schedule_expression_timezone: "Asia/Tokyo",
      target: { input: "{}" },
    });
    const alarms = Object.values(aws.of("aws_cloudwatch_metric_alarm")).filter((a) =>
      a.alarm_name.includes("bq-reconcile"),
    );
    const byName = Object.fromEntries(alarms.map((a) => [a.alarm_name, a]));
    expect(Object.keys(byName).sort()).toEqual([
      "dp-prod-bq-reconcile-errors",
      "dp-prod-bq-reconcile-orders-failed",
      "dp-prod-bq-reconcile-orders-no-result",
      "dp-prod-bq-reconcile-orders-stale",
    ]);
    expect(byName["dp-prod-bq-reconcile-orders-stale"]).toMatchObject({
      namespace: "DataPlatform/Reconcile",
      metric_name: "stale",
      dimensions: { service: "bq-reconcile", checkId: "orders" },
      threshold: 1,
    });
    expect(byName["dp-prod-bq-reconcile-orders-no-result"]).toMatchObject({
      treat_missing_data: "breaching",
    });
  });
});

describe("reconcile identity (GCP)", () => {
  it("admits only the reconcile Lambda's role through the aws provider — the role the AWS stack creates", () => {
    const provider = gcp.one("google_iam_workload_identity_pool_provider", "aws");
    expect(provider.attribute_condition).toBe(
      "attribute.aws_role == 'arn:aws:sts::333333333333:assumed-role/dp-prod-bq-reconcile'",
    );
    expect(provider.workload_identity_pool_provider_id).toBe("aws");
    expect(gcp.one("google_iam_workload_identity_pool").workload_identity_pool_id).toBe("dp-prod-pool");
    const role = Object.values(aws.of("aws_iam_role")).find((r) => r.name === "dp-prod-bq-reconcile");
    expect(provider.attribute_condition).toContain(`assumed-role/${role.name}'`);
  });

  it("its service account is jobUser on the project and dataViewer only on the datasets checks read; no unused identity remains", () => {
    const sas = Object.values(gcp.of("google_service_account")).map((s) => s.account_id);
    expect(sas).toContain("bq-reconcile");
    expect(sas).not.toContain("aws-functions");
    const projectRoles = Object.values(gcp.of("google_project_iam_member")).filter((m) =>
      m.member.includes("google_service_account.identity_bq-reconcile"),
    );
    expect(projectRoles.map((m) => m.role)).toEqual(["roles/bigquery.jobUser"]);
    const datasetRoles = Object.values(gcp.of("google_bigquery_dataset_iam_member")).filter((m) =>
      m.member.includes("google_service_account.identity_bq-reconcile"),
    );
    expect(datasetRoles.map((m) => [m.role, m.dataset_id])).toEqual([
      [
        "roles/bigquery.dataViewer",
        expect.stringMatching(/^\$\{google_bigquery_dataset\.bigquery_dwh_\w+\.dataset_id\}$/),
      ],
    ]);
  });
});
