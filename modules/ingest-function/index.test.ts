import { parseSourceSettings } from "../../functions/saas-ingest/core/settings";
import { INGEST_TUNING } from "../../functions/saas-ingest/tuning";
import { fakeBundle, pipelineTestStack, TOPIC_ARN } from "../../test/helpers/pipeline";
import { statements, synthesize } from "../../test/helpers/stack";
import { INGEST_DEFAULTS, IngestFunction, type IngestSource } from ".";

const source = (id: string, extra: Record<string, unknown> = {}): IngestSource => ({
  id,
  settings: parseSourceSettings(id, {
    enabled: true,
    request: { url: `https://api.example.com/v1/${id}` },
    auth: { type: "bearer", secretId: `dp/saas/${id}-token` },
    records: { path: "data" },
    pagination: { type: "none" },
    target: { prefix: `saas/${id}` },
    schedule: "cron(0 3 * * ? *)",
    ...extra,
  }),
});

function make(sources: IngestSource[], functionName = "dp-dev-saas-ingest") {
  const t = pipelineTestStack();
  const ingest = new IngestFunction(t.stack, "saas-ingest", {
    functionName,
    roleName: "dp-dev-saas-ingest",
    accountId: "111111111111",
    region: "ap-northeast-1",
    bundle: fakeBundle("saas-ingest"),
    key: t.key,
    settings: t.settings,
    rawBucket: t.raw,
    sources,
    monitoring: t.alarms,
    eventBusName: "default",
  });
  return { ...t, ingest, s: () => synthesize(t.stack) };
}

describe("IngestFunction", () => {
  it("applies its defaults and sets the tuning variables from the one tuning table", () => {
    const { s } = make([source("orders")]);
    const fn = s().one("aws_lambda_function");
    expect(fn).toMatchObject({
      memory_size: INGEST_DEFAULTS.memoryMb,
      timeout: INGEST_DEFAULTS.timeoutSeconds,
      reserved_concurrent_executions: INGEST_DEFAULTS.reservedConcurrency,
    });
    const env = fn.environment.variables;
    expect(env.NODE_OPTIONS).toBe(`--enable-source-maps --max-old-space-size=${INGEST_DEFAULTS.heapMb}`);
    expect(env[INGEST_TUNING.httpMaxAttempts.env]).toBe(String(INGEST_TUNING.httpMaxAttempts.default));
    expect(env.EVENT_BUS_NAME).toBe("default");
  });

  it("grants each source's prefix and secret, staging, the settings table and the bus, nothing else", () => {
    const { s } = make([source("orders"), source("customers", { auth: { type: "none" } })]);
    const policy = Object.entries(s().of("aws_iam_role_policy")).find(
      ([k]) => k.includes("role_grants") && !k.includes("scheduler"),
    )![1];
    const st = statements(policy.policy);
    const text = JSON.stringify(st);
    expect(text).toContain("/saas/orders/*");
    expect(text).toContain("/saas/customers/*");
    expect(text).toContain("/_staging/*");
    expect(text).toContain("secret:dp/saas/orders-token-*");
    expect(text).not.toContain("customers-token");
    expect(text).toContain("event-bus/default");
    expect(
      [st.find((x) => [x.Action].flat().includes("secretsmanager:GetSecretValue")).Resource].flat(),
    ).toEqual(["arn:aws:secretsmanager:ap-northeast-1:111111111111:secret:dp/saas/orders-token-*"]);
  });

  it("schedules each enabled source with a schedule, and alarms on its missed runs in its own scope", () => {
    const { s, alarms } = make([
      source("orders"),
      source("paused", { enabled: false }),
      source("adhoc", { schedule: undefined }),
    ]);
    const out = s();
    expect(Object.values(out.of("aws_scheduler_schedule")).map((x) => x.name)).toEqual([
      "dp-dev-saas-ingest-orders",
    ]);
    const all = Object.entries(out.of("aws_cloudwatch_metric_alarm"));
    expect(all.every(([k]) => k.startsWith("saas-ingest_"))).toBe(true);
    expect(all.every(([, a]) => a.alarm_actions[0] === TOPIC_ARN)).toBe(true);
    const missed = all.map(([, a]) => a).filter((a) => a.alarm_name.endsWith("-missed-run"));
    expect(missed.map((a) => a.alarm_name)).toEqual(["dp-dev-saas-ingest-orders-missed-run"]);
    expect(missed[0]).toMatchObject({
      namespace: "DataPlatform/Ingest",
      metric_name: "runSucceeded",
      dimensions: { service: "saas-ingest", sourceId: "orders" },
      treat_missing_data: "breaching",
    });
    expect(alarms.widgets).toEqual(["Ingestion invocations / errors / throttles"]);
  });

  it("refuses a schedule name over 64 characters, naming the source, instead of truncating it", () => {
    const long = "a_source_with_a_really_long_identifier_for_testing";
    expect(() => make([source(long), source("ok")], "dp-dev-saas-ingest")).toThrow(
      `IngestFunction test/saas-ingest: sources[${long}]: schedule name "dp-dev-saas-ingest-${long}" has 69 characters; EventBridge Scheduler allows 64 (shorten the source id or the environment prefix)`,
    );
    // A disabled source gets no schedule, so its id may be long.
    expect(() => make([source(long, { enabled: false })])).not.toThrow();
  });

  it("refuses a source id used twice", () => {
    expect(() => make([source("orders"), source("orders")])).toThrow("sources[orders]: the id is used twice");
  });
});
