import { Testing } from "cdktf";
import { loadListOnly } from "../config";
import { loadCurateConfig } from "../config/curate";
import { environments } from "../config/environments";
import { loadEnvironments } from "../config/load";
import { sources as sourceList } from "../config/sources";
import { bundleFunction } from "../functions/build";
import { type Synthesized, statements, synthesize } from "../test/helpers/stack";
import { AwsStack } from "./aws-stack";

const sources = [...loadListOnly(sourceList)];

const envs = loadEnvironments(structuredClone(environments));
const byName = (n: string) => envs.find((e) => e.name === n)!;
const cache = new Map<string, Synthesized>();
function stackOf(name: string, patch?: (e: ReturnType<typeof byName>) => void): Synthesized {
  if (!patch && cache.has(name)) return cache.get(name)!;
  const env = structuredClone(byName(name));
  patch?.(env);
  const s = synthesize(new AwsStack(Testing.app(), `dp-aws-${name}`, { env, sources }));
  if (!patch) cache.set(name, s);
  return s;
}

describe("AwsStack network", () => {
  it("spreads private subnets over the AZs without public IPs, and closes the default SG", () => {
    const s = stackOf("stg");
    const subnets = Object.values(s.of("aws_subnet"));
    expect(subnets).toHaveLength(6);
    expect(subnets.every((sn) => sn.map_public_ip_on_launch === false)).toBe(true);
    expect(s.one("aws_default_security_group")).toMatchObject({ ingress: [], egress: [] });
  });

  it("has one NAT in dev and one per AZ in prod", () => {
    expect(Object.keys(stackOf("dev").of("aws_nat_gateway"))).toHaveLength(1);
    expect(Object.keys(stackOf("prod").of("aws_nat_gateway"))).toHaveLength(3);
    const none = stackOf("dev", (e) => {
      e.aws.natGateways = "none";
    });
    expect(none.of("aws_nat_gateway")).toEqual({});
    expect(none.of("aws_internet_gateway")).toEqual({});
  });

  it("has S3/DynamoDB gateway endpoints and private-DNS interface endpoints from config", () => {
    const eps = Object.values(stackOf("dev").of("aws_vpc_endpoint"));
    const names = (t: string) =>
      eps.filter((e) => e.vpc_endpoint_type === t).map((e) => e.service_name.split(".").pop());
    expect(names("Gateway").sort()).toEqual(["dynamodb", "s3"]);
    expect(names("Interface").sort()).toEqual([
      "ec2messages",
      "kms",
      "logs",
      "secretsmanager",
      "ssm",
      "ssmmessages",
      "sts",
    ]);
    expect(
      eps.filter((e) => e.vpc_endpoint_type === "Interface").every((e) => e.private_dns_enabled === true),
    ).toBe(true);
  });

  it("sends flow logs to a KMS-encrypted log group with retention", () => {
    const s = stackOf("dev");
    expect(s.one("aws_flow_log")).toMatchObject({
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
    });
    const lg = s.one("aws_cloudwatch_log_group", "flow-logs");
    expect(lg.retention_in_days).toBe(90);
    expect(lg.kms_key_id).toMatch(/aws_kms_key/);
  });
});

describe("AwsStack Secure Agent host", () => {
  const s = stackOf("prod");
  const instance = s.one("aws_instance");

  it("has no public IP, no key pair, IMDSv2 with hop limit 1, monitoring and EBS optimization", () => {
    expect(instance.associate_public_ip_address).toBe(false);
    expect(instance.key_name).toBeUndefined();
    expect(instance.metadata_options).toMatchObject({
      http_tokens: "required",
      http_put_response_hop_limit: 1,
    });
    expect(instance).toMatchObject({ monitoring: true, ebs_optimized: true, ami: "ami-0e0f1a2b3c4d5e6f7" });
  });

  it("uses encrypted gp3 root and data volumes sized from config", () => {
    expect(instance.root_block_device).toMatchObject({
      volume_type: "gp3",
      volume_size: 80,
      iops: 4000,
      throughput: 250,
      encrypted: true,
    });
    expect(s.one("aws_ebs_volume")).toMatchObject({
      type: "gp3",
      size: 500,
      iops: 6000,
      throughput: 500,
      encrypted: true,
    });
  });

  it("allows no inbound traffic and only HTTPS out", () => {
    const sg = s.one("aws_security_group", "iics-agent");
    expect(sg.ingress).toEqual([]);
    expect(sg.egress).toEqual([expect.objectContaining({ protocol: "tcp", from_port: 443, to_port: 443 })]);
  });

  it("installs the SSM and CloudWatch agents idempotently from the regional bucket", () => {
    expect(instance.user_data).toContain(
      `${"rpm -q amazon-ssm-agent || true".slice(0, 0)}if ! rpm -q amazon-ssm-agent`,
    );
    expect(instance.user_data).toContain(
      "https://s3.ap-northeast-1.amazonaws.com/amazon-ssm-ap-northeast-1/",
    );
    expect(instance.user_data).toContain("amazoncloudwatch-agent-ap-northeast-1");
    expect(instance.user_data).toContain('"InstanceId": "$${aws:InstanceId}"');
  });

  it("role: scoped SSM and CloudWatch agent statements instead of AWS managed policies, lake grants scoped to buckets and the key", () => {
    const attached = Object.values(s.of("aws_iam_role_policy_attachment")).map((a) => a.policy_arn);
    expect(attached).not.toContain("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore");
    expect(attached).not.toContain("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy");
    const st = statements(s.one("aws_iam_role_policy", "iics-agent").policy);
    const actions = st.flatMap((x) => [x.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        "ssm:UpdateInstanceInformation",
        "ssmmessages:OpenDataChannel",
        "ec2messages:GetMessages",
        "cloudwatch:PutMetricData",
      ]),
    );
    expect(actions.filter((a) => /^ssm:GetParameter|^logs:CreateLogGroup$/.test(a))).toEqual([]);
    const s3 = st.filter((x) => [x.Action].flat().some((a: string) => a.startsWith("s3:")));
    expect(s3.length).toBeGreaterThan(0);
    expect(s3.every((x) => [x.Resource].flat().every((r: string) => r !== "*"))).toBe(true);
    expect(st.some((x) => [x.Action].flat().includes("kms:Decrypt"))).toBe(true);
  });

  it("logs sessions encrypted to CloudWatch and S3, with idle timeout and a non-root user", () => {
    const doc = s.one("aws_ssm_document");
    expect(doc.name).toBe("SSM-SessionManagerRunShell");
    const inputs = JSON.parse(doc.content).inputs;
    expect(inputs).toMatchObject({
      s3EncryptionEnabled: true,
      cloudWatchEncryptionEnabled: true,
      runAsEnabled: true,
      runAsDefaultUser: "ssm-user",
      idleSessionTimeout: "20",
    });
    expect(s.json.output.agent_start_session.value).toMatch(
      /^aws ssm start-session --target \$\{aws_instance\..*\.id\} --region ap-northeast-1$/,
    );
  });

  it("has status, CPU, memory and disk alarms that notify the SNS topic", () => {
    const alarms = Object.values(s.of("aws_cloudwatch_metric_alarm"));
    expect(alarms.map((a) => a.metric_name).sort()).toEqual(
      expect.arrayContaining([
        "CPUUtilization",
        "StatusCheckFailed",
        "disk_used_percent",
        "disk_used_percent",
        "mem_used_percent",
      ]),
    );
    expect(alarms.every((a) => a.alarm_actions[0].includes("aws_sns_topic"))).toBe(true);
    expect(s.one("aws_sns_topic").kms_master_key_id).toMatch(/aws_kms_key/);
    expect(Object.keys(s.of("aws_sns_topic_subscription"))).toHaveLength(1);
    expect(JSON.parse(s.one("aws_cloudwatch_dashboard").dashboard_body).widgets.length).toBeGreaterThan(0);
  });

  it("can be switched off", () => {
    expect(
      stackOf("dev", (e) => {
        e.aws.agentHost.enabled = false;
      }).of("aws_instance"),
    ).toEqual({});
  });
});

describe("AwsStack data lake", () => {
  const s = stackOf("dev");
  it("names buckets <prefix>-<env>-<account>-<kind> and encrypts data buckets with KMS, logs with SSE-S3", () => {
    const names = Object.values(s.of("aws_s3_bucket"))
      .map((b) => b.bucket)
      .sort();
    expect(names).toEqual(
      ["access-logs", "athena-results", "curated", "iics-staging", "raw", "session-transcripts"].map(
        (k) => `dp-dev-111111111111-${k}`,
      ),
    );
    const sse = Object.values(s.of("aws_s3_bucket_server_side_encryption_configuration")).map(
      (c) => c.rule[0].apply_server_side_encryption_by_default.sse_algorithm,
    );
    expect(sse.sort()).toEqual(["AES256", "aws:kms", "aws:kms", "aws:kms", "aws:kms", "aws:kms"]);
  });

  it("transitions raw after the configured days and expires Athena results", () => {
    const raw = s.one("aws_s3_bucket_lifecycle_configuration", "data-lake_raw");
    expect(raw.rule.find((r: any) => r.id === "transition-current-versions").transition[0]).toEqual({
      days: 90,
      storage_class: "STANDARD_IA",
    });
    const results = s.one("aws_s3_bucket_lifecycle_configuration", "athena-results");
    expect(results.rule.find((r: any) => r.id === "expire-current-versions").expiration).toEqual([
      { days: 30 },
    ]);
  });

  it("expires the raw bucket's _staging/ after 2 days and aborts its incomplete multipart uploads after 1 day", () => {
    const raw = s.one("aws_s3_bucket_lifecycle_configuration", "data-lake_raw");
    expect(raw.rule.find((r: any) => r.id === "expire-staging")).toMatchObject({
      status: "Enabled",
      filter: [{ prefix: "_staging/" }],
      expiration: [{ days: 2 }],
    });
    expect(
      raw.rule.find((r: any) => r.id === "abort-incomplete-multipart-uploads")
        .abort_incomplete_multipart_upload,
    ).toEqual([{ days_after_initiation: 1 }]);
    // Only the raw bucket's staging expires; curated keeps the 7-day default.
    const curated = s.one("aws_s3_bucket_lifecycle_configuration", "data-lake_curated");
    expect(curated.rule.map((r: any) => r.id)).not.toContain("expire-staging");
  });

  it("never force-destroys in prod", () => {
    // Dev lake buckets may be force-destroyed; session transcripts (an audit trail) never are.
    const dev = Object.values(s.of("aws_s3_bucket"));
    expect(
      dev.filter((b) => !b.bucket.endsWith("-session-transcripts")).every((b) => b.force_destroy === true),
    ).toBe(true);
    expect(dev.find((b) => b.bucket.endsWith("-session-transcripts")).force_destroy).toBe(false);
    expect(Object.values(stackOf("prod").of("aws_s3_bucket")).every((b) => b.force_destroy === false)).toBe(
      true,
    );
  });
});

describe("AwsStack catalog, Athena, Timestream, settings", () => {
  const s = stackOf("prod");
  it("encrypts the Glue catalog and projects dt partitions of each raw table", () => {
    expect(
      s.one("aws_glue_data_catalog_encryption_settings").data_catalog_encryption_settings.encryption_at_rest
        .catalog_encryption_mode,
    ).toBe("SSE-KMS");
    expect(
      Object.values(s.of("aws_glue_catalog_database"))
        .map((d) => d.name)
        .sort(),
    ).toEqual(["dp_prod_curated", "dp_prod_raw"]);
    const t = s.one("aws_glue_catalog_table", "demo_orders");
    expect(t.parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.dt.type": "date",
      "projection.dt.range": "2024-01-01,NOW",
      "storage.location.template": expect.stringMatching(
        /^s3:\/\/\$\{aws_s3_bucket\.data-lake_raw_bucket_\w+\.bucket\}\/saas\/demo_orders\/dt=\$\$\{dt\}\/$/,
      ),
    });
    expect(t.storage_descriptor.ser_de_info.serialization_library).toBe("org.openx.data.jsonserde.JsonSerDe");
    expect(t.partition_keys).toEqual([{ name: "dt", type: "string" }]);
  });

  it("enforces the Athena workgroup with engine v3, KMS results and a scan cutoff", () => {
    const wg = s.one("aws_athena_workgroup").configuration;
    expect(wg).toMatchObject({
      enforce_workgroup_configuration: true,
      publish_cloudwatch_metrics_enabled: true,
      bytes_scanned_cutoff_per_query: 100 * 1024 ** 3,
    });
    expect(wg.engine_version.selected_engine_version).toBe("Athena engine version 3");
    expect(wg.result_configuration.encryption_configuration.encryption_option).toBe("SSE_KMS");
  });

  it("creates Timestream with the customer key only when switched on", () => {
    expect(s.one("aws_timestreamwrite_database").kms_key_id).toMatch(/aws_kms_key/);
    expect(s.one("aws_timestreamwrite_table").retention_properties).toEqual({
      memory_store_retention_period_in_hours: 24,
      magnetic_store_retention_period_in_days: 365,
    });
    expect(
      stackOf("dev", (e) => {
        e.aws.timestream.enabled = false;
      }).of("aws_timestreamwrite_database"),
    ).toEqual({});
  });

  it("keeps settings in an encrypted, PITR, on-demand table, protected from deletion in prod, with reviewed items", () => {
    expect(s.one("aws_dynamodb_table")).toMatchObject({
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "pk",
      range_key: "sk",
      point_in_time_recovery: { enabled: true },
      deletion_protection_enabled: true,
    });
    expect(stackOf("dev").one("aws_dynamodb_table").deletion_protection_enabled).toBe(false);
    const item = JSON.parse(s.one("aws_dynamodb_table_item", "demo_orders").item);
    expect(item.pk).toEqual({ S: "source#demo_orders" });
    expect(item.sk).toEqual({ S: "config" });
    expect(item.pagination.M.type).toEqual({ S: "cursor" });
  });

  it("tags everything through provider default_tags", () => {
    expect(s.json.provider.aws[0].default_tags[0].tags).toEqual({
      project: "dp",
      environment: "prod",
      "managed-by": "cdktf",
      owner: "data-platform",
      "cost-center": "cc-data-0001",
    });
    expect(s.json.provider.aws[0].allowed_account_ids).toEqual(["333333333333"]);
  });
});

describe("AwsStack ingestion function", () => {
  const s = stackOf("prod");
  const fn = s.one("aws_lambda_function");

  it("runs the bundled handler on nodejs22.x arm64 with config sizing, tracing, reserved concurrency and encrypted env", () => {
    expect(fn).toMatchObject({
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      memory_size: 512,
      timeout: 900,
      reserved_concurrent_executions: 5,
      tracing_config: { mode: "Active" },
      function_name: "dp-prod-saas-ingest",
    });
    expect(fn.kms_key_arn).toMatch(/aws_kms_key/);
    expect(fn.filename).toMatch(/assets\/.*\.zip$/);
    // The base64 SHA-256 of the deterministic package, as Terraform computes it for a zip.
    expect(fn.source_code_hash).toBe(bundleFunction("saas-ingest").sourceCodeHash);
    expect(Object.keys(fn.environment.variables).sort()).toEqual(
      expect.arrayContaining([
        "CONFIG_TABLE_NAME",
        "RAW_BUCKET_NAME",
        "TIMESTREAM_DATABASE_NAME",
        "TIMESTREAM_TABLE_NAME",
      ]),
    );
    const lg = s.one("aws_cloudwatch_log_group", "saas-ingest");
    expect(lg).toMatchObject({ name: "/aws/lambda/dp-prod-saas-ingest", retention_in_days: 365 });
    expect(lg.kms_key_id).toMatch(/aws_kms_key/);
  });

  it("sends failed async invocations to an encrypted queue", () => {
    expect(
      s.one("aws_lambda_function_event_invoke_config").destination_config.on_failure.destination,
    ).toMatch(/aws_sqs_queue/);
    expect(s.one("aws_sqs_queue").kms_master_key_id).toMatch(/aws_kms_key/);
  });

  it("uses a least-privilege role named for the GCP federation: source prefixes, staging, its secrets, the table", () => {
    const role = s.one("aws_iam_role", "saas-ingest_role");
    expect(role.name).toBe("dp-prod-saas-ingest");
    const st = statements(s.one("aws_iam_role_policy", "saas-ingest_role").policy).map((x: any) => ({
      a: [x.Action].flat(),
      r: [x.Resource].flat(),
    }));
    const objectResources = st.filter((x: any) => x.a.includes("s3:PutObject")).flatMap((x: any) => x.r);
    expect(objectResources.map((r: string) => r.replace(/^\$\{[^}]+\}/, "<raw>"))).toEqual([
      "<raw>/saas/demo_orders/*",
      "<raw>/saas/demo_customers/*",
      "<raw>/_staging/*",
    ]);
    const secrets = st.find((x: any) => x.a.includes("secretsmanager:GetSecretValue"));
    expect(secrets?.r).toEqual([
      "arn:aws:secretsmanager:ap-northeast-1:333333333333:secret:dp/saas/demo-api-token-*",
      "arn:aws:secretsmanager:ap-northeast-1:333333333333:secret:dp/saas/demo-api-key-*",
    ]);
    expect(
      st
        .filter((x: any) => x.r.includes("*"))
        .flatMap((x: any) => x.a)
        .sort(),
    ).toEqual(["timestream:DescribeEndpoints", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
  });

  it("schedules each enabled source in Asia/Tokyo and alarms on errors, throttles, queued failures and missed runs", () => {
    const schedules = Object.values(s.of("aws_scheduler_schedule"))
      .map(
        (x) =>
          `${JSON.parse(x.target.input).sourceId} ${x.schedule_expression} ${x.schedule_expression_timezone}`,
      )
      .sort();
    expect(schedules).toEqual([
      "demo_customers cron(30 3 * * ? *) Asia/Tokyo",
      "demo_orders cron(0 3 * * ? *) Asia/Tokyo",
    ]);
    const names = Object.values(s.of("aws_cloudwatch_metric_alarm")).map((a) => a.alarm_name);
    expect(names).toEqual(
      expect.arrayContaining([
        "dp-prod-saas-ingest-errors",
        "dp-prod-saas-ingest-throttles",
        "dp-prod-saas-ingest-failures-queued",
        "dp-prod-saas-ingest-demo_orders-missed-run",
      ]),
    );
  });
});

describe("AwsStack protection", () => {
  const DATA_TYPES = [
    "aws_s3_bucket",
    "aws_kms_key",
    "aws_dynamodb_table",
    "aws_timestreamwrite_database",
    "aws_timestreamwrite_table",
    "aws_glue_catalog_database",
    "aws_glue_catalog_table",
    "aws_ebs_volume",
  ];
  const held = (s: Synthesized) =>
    DATA_TYPES.flatMap((t) => Object.entries(s.of(t)).map(([id, r]) => [`${t}.${id}`, r.lifecycle] as const));
  // Raw tables are views over S3 (recreated from config at no loss); curated Iceberg tables hold
  // the pointer to their current snapshot.
  const isRawTable = (id: string) => id.startsWith("aws_glue_catalog_table.catalog_raw-");

  it("puts prevent_destroy on every resource holding data under strict protection (prod), none elsewhere", () => {
    const prod = held(stackOf("prod"));
    expect(prod.length).toBeGreaterThan(10);
    expect(
      prod.filter(([id, l]) => l?.prevent_destroy !== true && !isRawTable(id)).map(([id]) => id),
    ).toEqual([]);
    for (const name of ["dev", "stg"])
      expect(
        held(stackOf(name))
          .filter(([, l]) => l?.prevent_destroy)
          .map(([id]) => id),
      ).toEqual([]);
  });

  it("keeps prod's curated Iceberg tables from destroy (their Glue entry points at the current snapshot)", () => {
    const { sources: curateSources, transforms } = loadCurateConfig();
    const prod = synthesize(
      new AwsStack(Testing.app(), "dp-aws-prod", { env: byName("prod"), sources: curateSources, transforms }),
    );
    const curated = Object.entries(prod.of("aws_glue_catalog_table")).filter(([id]) =>
      id.startsWith("curate_"),
    );
    expect(curated.length).toBe(transforms.length);
    for (const [, t] of curated) expect(t.lifecycle).toMatchObject({ prevent_destroy: true });
  });
});
