import { Testing } from "cdktf";
import { loadCurateConfig } from "../../config/curate";
import { environments } from "../../config/environments";
import { loadEnvironments } from "../../config/load";
import { EVENT_SOURCE, RAW_PUBLISHED } from "../../functions/shared/events";
import { AwsStack } from "../../stacks/aws-stack";
import { statements, synthesize } from "../../test/helpers/stack";
import { curateProblems } from ".";

const { sources, transforms } = loadCurateConfig();
const env = loadEnvironments(structuredClone(environments)).find((e) => e.name === "dev")!;
const s = synthesize(new AwsStack(Testing.app(), "dp-aws-dev", { env, sources, transforms }));
const role = (namePart: string) => {
  const [id] = Object.entries(s.of("aws_iam_role")).find(([, r]) => r.name.endsWith(namePart))!;
  const policy = Object.values(s.of("aws_iam_role_policy")).find((p) => String(p.role).includes(id))!;
  return statements(policy.policy);
};

describe("Curate in the AWS stack", () => {
  it("creates one Iceberg table per transform in the curated database, under the curated bucket", () => {
    const tables = Object.values(s.of("aws_glue_catalog_table")).filter((t) => t.open_table_format_input);
    expect(tables.map((t) => t.name).sort()).toEqual(["daily_revenue", "order_changes", "orders_enriched"]);
    const t = tables.find((x) => x.name === "orders_enriched");
    expect(t.open_table_format_input).toEqual({
      iceberg_input: { metadata_operation: "CREATE", version: "2" },
    });
    expect(t.database_name).toContain("aws_glue_catalog_database.catalog_curated");
    expect(t.storage_descriptor.location).toMatch(
      /^s3:\/\/\$\{aws_s3_bucket\.data-lake_curated_bucket_\w+\.bucket\}\/orders_enriched$/,
    );
    expect(t.storage_descriptor.columns[5]).toEqual({ name: "updated_at", type: "timestamp" });
    expect(t.lifecycle.ignore_changes).toEqual(["parameters", "storage_descriptor"]);
  });

  it("writes each transform, SQL included, as a reviewed settings item", () => {
    const items = Object.values(s.of("aws_dynamodb_table_item")).map((i) => JSON.parse(i.item));
    const item = items.find((i) => i.pk.S === "transform#daily_revenue");
    expect(item.sk.S).toBe("config");
    expect(item.sqlText.S).toContain("FROM curated.orders_enriched");
    expect(item.strategy.S).toBe("replace-partition");
  });

  it("runs a Standard state machine whose queries use the Athena integration in the env's workgroup", () => {
    const sm = s.one("aws_sfn_state_machine");
    expect(sm.type).toBe("STANDARD");
    expect(sm.tracing_configuration).toEqual({ enabled: true });
    expect(sm.logging_configuration.level).toBe("ERROR");
    expect(sm.encryption_configuration.type).toBe("CUSTOMER_MANAGED_KMS_KEY");
    const def = JSON.parse(sm.definition);
    const run = def.States.RunAll;
    expect(run.MaxConcurrency).toBe(1);
    expect(run.ItemProcessor.States.Query.Resource).toBe("arn:aws:states:::athena:startQueryExecution.sync");
    expect(run.ItemProcessor.States.Query.Parameters.WorkGroup).toContain(
      "aws_athena_workgroup.athena_workgroup",
    );
    expect(def.TimeoutSeconds).toBe(21600);
  });

  it("routes ingestion's publish events of depended-on sources to the state machine", () => {
    const rule = s.one("aws_cloudwatch_event_rule");
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: [EVENT_SOURCE],
      "detail-type": [RAW_PUBLISHED],
      detail: { sourceId: ["demo_customers", "demo_orders"] },
    });
    const target = s.one("aws_cloudwatch_event_target");
    expect(target.arn).toContain("aws_sfn_state_machine");
    expect(target.dead_letter_config.arn).toContain("aws_sqs_queue.curate_failures");
  });

  it("lets the state machine read only the raw prefixes it depends on and write only its tables' locations", () => {
    const st = role("-curate-sfn");
    const objects = st
      .filter((x) => [x.Action].flat().includes("s3:GetObject"))
      .flatMap((x) => [x.Resource].flat());
    expect(objects.filter((r: string) => r.includes("_raw_"))).toEqual([
      expect.stringMatching(/_raw_bucket_\w+\.arn\}\/saas\/demo_orders\/\*$/),
      expect.stringMatching(/_raw_bucket_\w+\.arn\}\/saas\/demo_customers\/\*$/),
    ]);
    const writes = st
      .filter((x) => [x.Action].flat().includes("s3:PutObject"))
      .flatMap((x) => [x.Resource].flat())
      .filter((r: string) => r.includes("_curated_"));
    expect(writes.map((r: string) => r.replace(/^.*\}\//, "")).sort()).toEqual([
      "_staging/daily_revenue/*",
      "_staging/order_changes/*",
      "_staging/orders_enriched/*",
      "daily_revenue/*",
      "order_changes/*",
      "orders_enriched/*",
    ]);
    const glueWrite = st.find((x) => [x.Action].flat().includes("glue:UpdateTable"));
    expect(glueWrite.Resource.every((r: string) => !r.includes("_raw"))).toBe(true);
    const athena = st.find((x) => [x.Action].flat().includes("athena:StartQueryExecution"));
    expect(athena.Resource).toContain("aws_athena_workgroup");
    expect(st.some((x) => [x.Action].flat().some((a: string) => a.endsWith(":*")))).toBe(false);
  });

  it("gives the Lambda no S3 data access and no Glue", () => {
    const st = role("-curate");
    const actions = st.flatMap((x) => [x.Action].flat());
    expect(actions.some((a: string) => a.startsWith("glue:"))).toBe(false);
    expect(actions).not.toContain("athena:StartQueryExecution");
    const s3 = st.filter((x) => [x.Action].flat().some((a: string) => a.startsWith("s3:")));
    expect(s3.flatMap((x) => [x.Resource].flat()).every((r: string) => r.includes("athena-results"))).toBe(
      true,
    );
  });

  it("alarms on failed and timed-out executions and on a failed run of each transform", () => {
    const names = Object.values(s.of("aws_cloudwatch_metric_alarm")).map((a) => a.alarm_name);
    expect(names).toEqual(
      expect.arrayContaining([
        "dp-dev-curate-executions-failed",
        "dp-dev-curate-executions-timed-out",
        "dp-dev-curate-function-errors",
        "dp-dev-curate-orders_enriched-failed",
        "dp-dev-curate-daily_revenue-failed",
      ]),
    );
  });
});

describe("Curate props validation", () => {
  const t = (id: string, dependsOn: string[], schedule?: string) => ({
    id,
    table: id,
    dependsOn,
    target: { columns: [{ name: "a", type: "string" }] },
    schedule,
  });
  const base = { functionName: "dp-dev-curate", sources: [{ id: "orders", prefix: "saas/orders" }] };

  it("accepts dependencies on sources and transforms", () => {
    expect(
      curateProblems({
        ...base,
        transforms: [t("a", ["orders"]), t("b", ["a"], "cron(0 1 * * ? *)")],
      } as never),
    ).toEqual([]);
  });

  it("names the transform and the value of every problem: unknown dependency, schedule name over 64, negative price", () => {
    const long = "x".repeat(60);
    expect(
      curateProblems({
        ...base,
        usdPerTbScanned: -1,
        transforms: [t("a", ["ordrs"]), t(long, ["orders"], "rate(1 day)")],
      } as never),
    ).toEqual([
      'transforms[a].dependsOn: "ordrs" is neither a source nor a transform',
      `transforms[${long}]: schedule name "dp-dev-curate-${long}" has 74 characters; EventBridge Scheduler allows 64 (shorten the transform id or the environment prefix)`,
      "usdPerTbScanned: a number >= 0 (got -1)",
    ]);
  });
});
