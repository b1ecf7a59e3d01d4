import { Token } from "cdktf";
import { COMMON_ENV } from "../../functions/shared/contracts";
import { fakeBundle, pipelineTestStack, TOPIC_ARN } from "../../test/helpers/pipeline";
import { statements, synthesize } from "../../test/helpers/stack";
import { Timestream } from "../timestream";
import { PIPELINE_DEFAULTS, PipelineFunction, type PipelineFunctionProps } from ".";

function make(overrides: Partial<PipelineFunctionProps> = {}) {
  const t = pipelineTestStack();
  const props: PipelineFunctionProps = {
    functionName: "dp-dev-job",
    description: "a job",
    accountId: "111111111111",
    bundle: fakeBundle(),
    key: t.key,
    environment: { [COMMON_ENV.configTable]: "dp-dev-settings" },
    metrics: { service: "job", namespace: "DataPlatform/Job" },
    alarmTarget: t.alarms,
    errorsAlarm: { description: "the job failed" },
    ...overrides,
  };
  const p = new PipelineFunction(t.stack, "job", props);
  return { ...t, p, props };
}
const policyOf = (s: ReturnType<typeof synthesize>, roleIdPart: string) =>
  statements(Object.entries(s.of("aws_iam_role_policy")).find(([k]) => k.includes(roleIdPart))![1].policy);

describe("PipelineFunction", () => {
  it("applies its defaults (one place) and the run-metrics contract to the Lambda", () => {
    const { stack } = make();
    const s = synthesize(stack);
    const fn = s.one("aws_lambda_function");
    expect(fn).toMatchObject({
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      memory_size: PIPELINE_DEFAULTS.memoryMb,
      timeout: PIPELINE_DEFAULTS.timeoutSeconds,
      reserved_concurrent_executions: PIPELINE_DEFAULTS.reservedConcurrency,
      tracing_config: { mode: "Active" },
    });
    expect(fn.kms_key_arn).toContain("aws_kms_key.key");
    expect(fn.environment.variables).toEqual({
      CONFIG_TABLE_NAME: "dp-dev-settings",
      NODE_OPTIONS: "--enable-source-maps",
      POWERTOOLS_SERVICE_NAME: "job",
      POWERTOOLS_METRICS_NAMESPACE: "DataPlatform/Job",
    });
    expect(s.one("aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/lambda/dp-dev-job",
      retention_in_days: PIPELINE_DEFAULTS.logRetentionDays,
    });
    expect(s.one("aws_lambda_function_event_invoke_config")).toMatchObject({
      maximum_retry_attempts: PIPELINE_DEFAULTS.asyncRetries,
      maximum_event_age_in_seconds: PIPELINE_DEFAULTS.asyncMaxEventAgeSeconds,
    });
    // No schedule, no scheduler role.
    expect(Object.keys(s.of("aws_iam_role"))).toHaveLength(1);
  });

  it("grants its role only its own logs, traces, failure queue and the key (and Timestream when given)", () => {
    const t = pipelineTestStack();
    const ts = new Timestream(t.stack, "ts", { databaseName: "dp-dev-metrics", key: t.key });
    new PipelineFunction(t.stack, "job", {
      functionName: "dp-dev-job",
      description: "a job",
      accountId: "111111111111",
      bundle: fakeBundle(),
      key: t.key,
      environment: {},
      metrics: { service: "job", namespace: "DataPlatform/Job" },
      timestream: ts,
      alarmTarget: t.alarms,
      errorsAlarm: { description: "the job failed" },
    });
    const s = synthesize(t.stack);
    const st = policyOf(s, "job_role_grants");
    const actions = st.flatMap((x) => [x.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        "logs:CreateLogStream",
        "xray:PutTraceSegments",
        "sqs:SendMessage",
        "kms:Decrypt",
        "timestream:WriteRecords",
      ]),
    );
    expect(actions.some((a) => a.startsWith("s3:") || a.startsWith("dynamodb:"))).toBe(false);
    expect(st.find((x) => [x.Action].flat().includes("logs:PutLogEvents")).Resource).toMatch(
      /log_group.*\.arn\}:\*$/,
    );
    const env = s.one("aws_lambda_function").environment.variables;
    expect(env.TIMESTREAM_DATABASE_NAME).toContain("aws_timestreamwrite_database");
    expect(env.TIMESTREAM_TABLE_NAME).toContain("aws_timestreamwrite_table");
  });

  it("creates its alarms in its own scope, notifying the topic passed in", () => {
    const { stack } = make({
      throttlesAlarm: { description: "throttled" },
      failuresQueuedAlarm: { name: "custom-queued", description: "queued" },
    });
    const s = synthesize(stack);
    const alarms = Object.entries(s.of("aws_cloudwatch_metric_alarm"));
    expect(alarms.map(([k]) => k.split("_").slice(0, 2).join("_")).sort()).toEqual([
      "job_alarm-errors",
      "job_alarm-failures-queued",
      "job_alarm-throttles",
    ]);
    for (const [, a] of alarms) {
      expect(a.alarm_actions).toEqual([TOPIC_ARN]);
      expect(a.ok_actions).toEqual([TOPIC_ARN]);
    }
    const byName = Object.fromEntries(alarms.map(([, a]) => [a.alarm_name, a]));
    expect(Object.keys(byName).sort()).toEqual([
      "custom-queued",
      "dp-dev-job-errors",
      "dp-dev-job-throttles",
    ]);
    expect(byName["dp-dev-job-errors"]).toMatchObject({ namespace: "AWS/Lambda", metric_name: "Errors" });
    expect(byName["custom-queued"]).toMatchObject({ namespace: "AWS/SQS", statistic: "Maximum" });
  });

  it("creates one scheduler role with the first schedule, allowed exactly the targets, dead-lettered to the queue", () => {
    const { stack, p } = make();
    p.addSchedule("a", { name: "dp-dev-job-a", description: "a", expression: "rate(1 hour)", input: "{}" });
    p.addSchedule("b", { name: "dp-dev-job-b", description: "b", expression: "rate(2 hours)", input: "{}" });
    p.addSchedule("c", {
      name: "dp-dev-job-c",
      description: "c",
      expression: "rate(3 hours)",
      input: "{}",
      target: {
        arn: "arn:aws:states:ap-northeast-1:111111111111:stateMachine:sm",
        actions: ["states:StartExecution"],
      },
    });
    const s = synthesize(stack);
    expect(
      Object.values(s.of("aws_iam_role"))
        .map((r) => r.name)
        .sort(),
    ).toEqual(["dp-dev-job", "dp-dev-job-scheduler"]);
    const st = policyOf(s, "scheduler-role_grants");
    const invoke = st.filter((x) => [x.Action].flat().includes("lambda:InvokeFunction"));
    // The function's ARN once, not once per schedule.
    expect(invoke).toHaveLength(1);
    expect([invoke[0].Resource].flat()).toHaveLength(1);
    expect(st.find((x) => [x.Action].flat().includes("states:StartExecution")).Resource).toBe(
      "arn:aws:states:ap-northeast-1:111111111111:stateMachine:sm",
    );
    const schedules = Object.values(s.of("aws_scheduler_schedule"));
    expect(schedules).toHaveLength(3);
    for (const sc of schedules) {
      expect(sc.target[0]?.dead_letter_config ?? sc.target.dead_letter_config).toBeDefined();
      expect(sc.kms_key_arn).toContain("aws_kms_key.key");
    }
  });

  it("reports every invalid prop at once, naming prop and value, and skips tokens", () => {
    expect(() =>
      make({
        functionName: `f${"x".repeat(64)}`,
        memoryMb: 64,
        timeoutSeconds: 901,
        heapMb: 500,
        logRetentionDays: 0,
        asyncRetries: 3,
        environment: { AWS_REGION: "x", "bad-name": "y", NODE_OPTIONS: "--inspect" },
      }),
    ).toThrow(
      /PipelineFunction test: functionName: 1 to 64 characters \(got 65: "fx+"\); memoryMb: an integer from 128 to 10240 \(got 64\); timeoutSeconds: an integer from 1 to 900 \(got 901\); logRetentionDays: an integer from 1 to 3653 \(got 0\); asyncRetries: 0, 1 or 2 \(got 3\); heapMb: an integer from 64 to 75% of memoryMb \(48\) \(got 500\); environment: "AWS_REGION" is set by this construct or reserved by Lambda \(got "x"\); environment: "bad-name" is not a valid variable name; environment: "NODE_OPTIONS" is set by this construct or reserved by Lambda \(got "--inspect"\)/,
    );
    // Values known only at apply are not judged.
    expect(() =>
      make({ memoryMb: Token.asNumber({ Ref: "x" }), functionName: Token.asString({ Ref: "n" }) }),
    ).not.toThrow();
  });
});
