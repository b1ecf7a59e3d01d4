/**
 * The eight sections of the design document, each derived from the synthesized stacks of one
 * environment (AWS and GCP). Nothing here is a hand-kept list: a resource that is not in the
 * Terraform JSON is not in the document.
 */
import { dailyTime, describeSchedule, hhmm } from "./cron";
import type { T, TextKey } from "./i18n";
import { type Block, type Section, tableOr } from "./model";
import { type Attrs, at, parsePolicy, str, type TfResource, type TfStack } from "./tf";

export interface DesignInput {
  env: string;
  aws?: TfStack;
  gcp?: TfStack;
  /** Extra facts not in Terraform (curated table strategies/checks), keyed by table name. */
  curated?: CuratedFacts[];
  /** Reconciliation checks, each run by the reconcile schedule. */
  checks?: CheckFacts[];
}

/** A reconciliation check (config/bigquery.ts): what it compares. */
export interface CheckFacts {
  id: string;
  athena: string;
  bigquery: string;
}

export interface CuratedFacts {
  id: string;
  table: string;
  strategy: string;
  primaryKey: string[];
  dependsOn: string[];
  checks: string[];
}

const code = (s: string) => (s === "" ? "" : `\`${s.replace(/`/g, "'")}\``);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : v === undefined ? [] : [str(v)]);
const stacksOf = (i: DesignInput) => [i.aws, i.gcp].filter((s): s is TfStack => !!s);

/** Text safe inside a Mermaid label (no quotes, brackets or pipes). */
const label = (s: string) =>
  s
    .replace(/["[\]{}|<>]/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/** DynamoDB JSON (`{"S":"x"}`, `{"M":{...}}`) to plain values. */
export function unmarshal(v: unknown): unknown {
  if (!v || typeof v !== "object") return v;
  const [[t, inner]] = Object.entries(v as Attrs);
  switch (t) {
    case "S":
      return inner;
    case "N":
      return Number(inner);
    case "BOOL":
      return inner;
    case "NULL":
      return null;
    case "L":
      return (inner as unknown[]).map(unmarshal);
    case "SS":
    case "NS":
      return inner;
    case "M": {
      const o: Attrs = {};
      for (const [k, x] of Object.entries(inner as Attrs)) o[k] = unmarshal(x);
      return o;
    }
    default:
      return v;
  }
}

/** Keys that would hold a secret value (never expected in an item; masked if ever present). */
const SECRET_KEY = /^(password|secret|token|apikey|api_key|clientsecret|client_secret|privatekey)$/i;
export function maskSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskSecrets);
  if (v && typeof v === "object") {
    const o: Attrs = {};
    for (const [k, x] of Object.entries(v as Attrs)) o[k] = SECRET_KEY.test(k) ? "***" : maskSecrets(x);
    return o;
  }
  return v;
}

export function settingsItems(aws: TfStack) {
  return aws.ofType("aws_dynamodb_table_item").map((r) => {
    let item: Attrs = {};
    try {
      const raw = JSON.parse(str(r.attrs.item)) as Attrs;
      for (const [k, v] of Object.entries(raw)) item[k] = unmarshal(v);
    } catch {
      item = {};
    }
    return { resource: r, table: aws.resolve(str(r.attrs.table_name)), item: maskSecrets(item) as Attrs };
  });
}

function lambdaByRef(aws: TfStack, ref: unknown): TfResource | undefined {
  const r = aws.target(ref);
  return r?.type === "aws_lambda_function" ? r : undefined;
}

/** Alarms whose dimensions or metric queries name this resource. */
function alarmsFor(stack: TfStack, r: TfResource): string[] {
  const needle = `${r.type}.${r.id}.`;
  return stack
    .ofType("aws_cloudwatch_metric_alarm")
    .filter((a) => JSON.stringify(a.attrs).includes(needle))
    .map((a) => str(a.attrs.alarm_name));
}

function failureDestinations(aws: TfStack, fn: TfResource): string[] {
  const out: string[] = [];
  for (const c of aws.ofType("aws_lambda_function_event_invoke_config")) {
    if (aws.target(c.attrs.function_name)?.id !== fn.id) continue;
    const dest = at(c.attrs, "destination_config.on_failure.destination");
    if (dest) out.push(aws.resolve(str(dest)));
  }
  return out;
}

interface Batch {
  id: string;
  kind: string;
  trigger: string;
  dailyMinutes?: number;
  input: string;
  output: string;
  dependsOn: string;
  runsOn: string;
  timeoutSeconds?: number;
  retries: string;
  concurrency: string;
  failure: string;
  alarms: string;
  rerun: string;
}

function batchIdOf(input: Attrs, fallback: string): { id: string; kind: string } {
  for (const [key, kind] of [
    ["sourceId", "ingest"],
    ["transform", "curate"],
    ["checkId", "reconcile"],
  ] as const) {
    if (typeof input[key] === "string") return { id: input[key] as string, kind };
  }
  return { id: fallback, kind: "job" };
}

export function batches(i: DesignInput, t: T): Batch[] {
  const aws = i.aws;
  if (!aws) return [];
  const sourcesById = new Map<string, Attrs>();
  for (const s of settingsItems(aws)) {
    const pk = str(s.item.pk);
    if (pk.startsWith("source#")) sourcesById.set(pk.slice("source#".length), s.item);
  }
  const curatedById = new Map((i.curated ?? []).map((c) => [c.id, c]));
  const describe = (targetRef: unknown) => {
    const fn = lambdaByRef(aws, targetRef);
    const sm = aws.target(targetRef);
    const runsOn = fn
      ? `Lambda ${code(str(fn.attrs.function_name))}`
      : sm
        ? `${sm.type} ${code(aws.displayName(sm))}`
        : code(aws.resolve(str(targetRef)));
    return {
      runsOn,
      timeoutSeconds: fn ? Number(fn.attrs.timeout ?? 3) : undefined,
      concurrency: fn ? str(fn.attrs.reserved_concurrent_executions ?? "-") : "-",
      failure: fn ? failureDestinations(aws, fn) : [],
      alarms: fn || sm ? alarmsFor(aws, (fn ?? sm) as TfResource) : [],
    };
  };
  const rows: Batch[] = [];
  const ioOf = (id: string, kind: string) => {
    const s = sourcesById.get(id);
    if (kind === "ingest" && s) {
      const url = str(at(s, "request.url"));
      let host = url;
      try {
        host = new URL(url).origin + new URL(url).pathname;
      } catch {}
      // The handler's defaults (functions/saas-ingest/core/settings.ts) when the item names none.
      const policy = str(s.runDate) || "local-yesterday";
      const tz = str(s.scheduleTimezone) || "Asia/Tokyo";
      const key = `runDate.${policy}` as TextKey;
      const when = ["runDate.local-yesterday", "runDate.local-today", "runDate.utc-today"].includes(key)
        ? t(key, { tz })
        : code(policy);
      return {
        input: code(host),
        output: `${code(`raw/${str(at(s, "target.prefix"))}/dt=YYYY-MM-DD/`)} (${t("businessDate")}: ${when})`,
        dependsOn: "-",
      };
    }
    const c = curatedById.get(id);
    if (c)
      return {
        input: c.dependsOn.map(code).join(", "),
        output: code(c.table),
        dependsOn: c.dependsOn.map(code).join(", "),
      };
    return { input: "-", output: "-", dependsOn: "-" };
  };
  const rerunOf = (id: string) => `\`npm run ops -- run ${id} --env ${i.env} --date YYYY-MM-DD\``;

  for (const s of aws.ofType("aws_scheduler_schedule")) {
    let input: Attrs = {};
    try {
      input = JSON.parse(str(at(s.attrs, "target.input") ?? "{}"));
    } catch {}
    const { id, kind } = batchIdOf(input, str(s.attrs.name));
    const d = describe(at(s.attrs, "target.arn"));
    const expr = str(s.attrs.schedule_expression);
    const tz = str(s.attrs.schedule_expression_timezone) || "UTC";
    const daily = dailyTime(expr, tz);
    const retry = at(s.attrs, "target.retry_policy.maximum_retry_attempts");
    const dlq = at(s.attrs, "target.dead_letter_config.arn");
    rows.push({
      id,
      kind,
      trigger: `${t("schedule")}: ${describeSchedule(expr, tz, { prevDay: t("prevDay"), nextDay: t("nextDay") })}`,
      dailyMinutes: daily ? (daily.utcMinutes + 540) % 1440 : undefined,
      ...ioOf(id, kind),
      runsOn: d.runsOn,
      timeoutSeconds: d.timeoutSeconds,
      retries: retry === undefined ? "-" : `${retry} (Scheduler)`,
      concurrency: d.concurrency,
      failure:
        [...new Set([...(dlq ? [aws.resolve(str(dlq))] : []), ...d.failure])].map(code).join(", ") || "-",
      alarms: d.alarms.map(code).join(", ") || "-",
      rerun: rerunOf(id),
    });
  }
  for (const rule of aws.ofType("aws_cloudwatch_event_rule")) {
    const targets = aws
      .ofType("aws_cloudwatch_event_target")
      .filter(
        (x) =>
          aws.target(x.attrs.rule)?.id === rule.id || aws.resolve(str(x.attrs.rule)) === str(rule.attrs.name),
      );
    const pattern = str(rule.attrs.event_pattern);
    for (const x of targets.length ? targets : [undefined]) {
      const d = x ? describe(x.attrs.arn) : undefined;
      rows.push({
        id: str(rule.attrs.name),
        kind: "event",
        trigger: `${t("event")}: ${rule.attrs.schedule_expression ? code(str(rule.attrs.schedule_expression)) : code(pattern)}`,
        input: "-",
        output: "-",
        dependsOn: "-",
        runsOn: d?.runsOn ?? "-",
        timeoutSeconds: d?.timeoutSeconds,
        retries:
          x && at(x.attrs, "retry_policy.maximum_retry_attempts") !== undefined
            ? str(at(x.attrs, "retry_policy.maximum_retry_attempts"))
            : "-",
        concurrency: d?.concurrency ?? "-",
        failure:
          x && at(x.attrs, "dead_letter_config.arn")
            ? code(aws.resolve(str(at(x.attrs, "dead_letter_config.arn"))))
            : "-",
        alarms: d?.alarms.map(code).join(", ") || "-",
        rerun: "-",
      });
    }
  }
  // Curate transforms run on the state machine when their inputs publish (or on their schedule).
  const machine = aws.ofType("aws_sfn_state_machine")[0];
  for (const c of i.curated ?? []) {
    if (rows.some((r) => r.id === c.id)) continue;
    rows.push({
      id: c.id,
      kind: "curate",
      trigger: `${t("event")}: ${c.dependsOn.map(code).join(", ")} published`,
      ...ioOf(c.id, "curate"),
      runsOn: machine ? `Step Functions ${code(aws.displayName(machine))}` : "-",
      retries: "-",
      concurrency: "-",
      failure: "-",
      alarms: machine ? alarmsFor(aws, machine).map(code).join(", ") || "-" : "-",
      rerun: rerunOf(c.id),
    });
  }
  // Reconciliation checks: one row each, on the reconcile function's schedule (which runs them all).
  const reconcileFn = aws
    .ofType("aws_lambda_function")
    .find((f) => str(f.attrs.function_name).includes("reconcile"));
  const reconcileRow =
    reconcileFn &&
    rows.find((r) => r.runsOn.includes(str(reconcileFn.attrs.function_name)) && r.kind === "job");
  for (const c of i.checks ?? []) {
    const fn = str(reconcileFn?.attrs.function_name);
    rows.push({
      id: c.id,
      kind: "reconcile",
      trigger: reconcileRow?.trigger ?? "-",
      dailyMinutes: reconcileRow?.dailyMinutes,
      input: `Athena ${code(c.athena)}, BigQuery ${code(c.bigquery)}`,
      output: `DynamoDB \`reconcile#${c.id}\`, S3 report, metrics`,
      dependsOn: "-",
      runsOn: reconcileRow?.runsOn ?? "-",
      timeoutSeconds: reconcileRow?.timeoutSeconds,
      retries: reconcileRow?.retries ?? "-",
      concurrency: reconcileRow?.concurrency ?? "-",
      failure: reconcileRow?.failure ?? "-",
      alarms:
        aws
          .ofType("aws_cloudwatch_metric_alarm")
          .map((a) => str(a.attrs.alarm_name))
          .filter((n) => fn && n.startsWith(`${fn}-${c.id}-`))
          .map(code)
          .join(", ") || "-",
      rerun: rerunOf(c.id),
    });
  }
  return rows.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}

export function overview(i: DesignInput, t: T): Section {
  const aws = i.aws;
  const gcp = i.gcp;
  const awsProvider = aws?.provider("aws");
  const gcpProvider = gcp?.provider("google");
  const backendKey = (s: TfStack) => {
    const b = s.json.terraform?.backend as Record<string, Attrs> | undefined;
    if (!b) return "-";
    const [[kind, cfg]] = Object.entries(b);
    return `${kind}: ${str(cfg.bucket ?? cfg.organization ?? cfg.path ?? "")}${cfg.key ? `/${str(cfg.key)}` : cfg.prefix ? `/${str(cfg.prefix)}` : ""}`;
  };
  const tags = at(awsProvider, "default_tags") as Attrs[] | undefined;
  const rows: string[][] = [
    [t("environment"), code(i.env)],
    [t("awsAccount"), list(awsProvider?.allowed_account_ids).map(code).join(", ") || "-"],
    [t("awsRegion"), code(str(awsProvider?.region))],
    [t("gcpProject"), code(str(gcpProvider?.project))],
    [t("gcpRegion"), code(str(gcpProvider?.region))],
    [
      t("stacks"),
      stacksOf(i)
        .map((s) => `${code(s.name)} (${backendKey(s)})`)
        .join("<br>"),
    ],
    [
      t("resourceCount"),
      stacksOf(i)
        .map((s) => `${s.name}: ${s.resources.length}`)
        .join(", "),
    ],
    [
      t("tags"),
      Object.entries((tags?.[0]?.tags as Attrs) ?? {})
        .map(([k, v]) => `${k}=${str(v)}`)
        .join(", ") || "-",
    ],
  ];
  return {
    id: "overview",
    title: t("s_overview"),
    blocks: [
      { kind: "p", text: t("purpose", { env: i.env }) },
      { kind: "table", head: [t("item"), t("value")], rows },
      { kind: "h3", text: t("dataFlow") },
      { kind: "mermaid", code: dataFlow(i) },
    ],
  };
}

/** SaaS -> Lambda -> raw -> curate -> curated -> IICS -> BigQuery, with this environment's names. */
export function dataFlow(i: DesignInput): string {
  const lines = ["flowchart LR"];
  const aws = i.aws;
  const node = (id: string, text: string, shape: "box" | "db" | "round" = "box") => {
    const l = label(text);
    return shape === "db" ? `${id}[("${l}")]` : shape === "round" ? `${id}(["${l}"])` : `${id}["${l}"]`;
  };
  if (aws) {
    const items = settingsItems(aws).filter((s) => str(s.item.pk).startsWith("source#"));
    const hosts = [
      ...new Set(
        items.map((s) => {
          try {
            return new URL(str(at(s.item, "request.url"))).host;
          } catch {
            return "SaaS";
          }
        }),
      ),
    ];
    const buckets = aws.ofType("aws_s3_bucket").map((b) => str(b.attrs.bucket));
    const bucketOf = (kind: string) => buckets.find((b) => b.endsWith(`-${kind}`));
    const fns = aws.ofType("aws_lambda_function").map((f) => str(f.attrs.function_name));
    const ingest = fns.find((f) => f.includes("ingest"));
    const curateFn = fns.find((f) => f.includes("curate"));
    const sm = aws.ofType("aws_sfn_state_machine").map((s) => str(s.attrs.name))[0];
    const host = aws.ofType("aws_instance")[0];
    lines.push(...hosts.map((h, n) => `  ${node(`saas${n}`, `SaaS API: ${h}`, "round")}`));
    if (ingest) {
      lines.push(`  ${node("ingest", `Lambda: ${ingest}`)}`);
      lines.push(...hosts.map((_, n) => `  saas${n} --> ingest`));
    }
    const raw = bucketOf("raw");
    const curated = bucketOf("curated");
    if (raw) lines.push(`  ${node("raw", `S3 raw: ${raw}`, "db")}`);
    if (ingest && raw) lines.push("  ingest --> raw");
    const curateName = sm ?? curateFn;
    if (curateName) {
      lines.push(`  ${node("curate", `Athena curate: ${curateName}`)}`);
      if (raw) lines.push("  raw --> curate");
    }
    if (curated) {
      lines.push(`  ${node("curated", `S3 curated: ${curated}`, "db")}`);
      lines.push(curateName ? "  curate --> curated" : raw ? "  raw -. Athena SQL .-> curated" : "");
    }
    if (host) {
      lines.push(`  ${node("iics", `IICS Secure Agent: ${aws.displayName(host)}`)}`);
      if (curated) lines.push("  curated --> iics");
    }
  }
  const datasets = i.gcp?.ofType("google_bigquery_dataset").map((d) => str(d.attrs.dataset_id)) ?? [];
  if (datasets.length) {
    lines.push(`  ${node("bq", `BigQuery: ${datasets.join(", ")}`, "db")}`);
    if (aws?.ofType("aws_instance").length) lines.push("  iics --> bq");
    const reconcile = aws
      ?.ofType("aws_lambda_function")
      .find((f) => str(f.attrs.function_name).includes("reconcile"));
    if (reconcile) {
      lines.push(`  ${node("rec", `Lambda: ${str(reconcile.attrs.function_name)}`)}`);
      lines.push("  rec -. counts .-> bq");
      lines.push("  rec -. counts .-> curated");
    }
  }
  return lines.filter(Boolean).join("\n");
}

export function batchSection(i: DesignInput, t: T): Section {
  const rows = batches(i, t);
  const blocks: Block[] = [
    tableOr(
      [
        t("id"),
        t("kind"),
        t("trigger"),
        t("input"),
        t("output"),
        t("dependsOn"),
        t("runsOn"),
        t("timeout"),
        t("retries"),
        t("concurrency"),
        t("failureDest"),
        t("alarm"),
        t("rerun"),
      ],
      rows.map((b) => [
        code(b.id),
        b.kind,
        b.trigger,
        b.input,
        b.output,
        b.dependsOn,
        b.runsOn,
        b.timeoutSeconds === undefined ? "-" : `${b.timeoutSeconds} ${t("seconds")}`,
        b.retries,
        b.concurrency,
        b.failure,
        b.alarms,
        b.rerun,
      ]),
      t("noBatches"),
    ),
  ];
  const timed = rows.filter((b) => b.dailyMinutes !== undefined);
  if (timed.length) {
    const gantt = ["gantt", `  title ${label(t("timeline"))}`, "  dateFormat HH:mm", "  axisFormat %H:%M"];
    for (const kind of [...new Set(timed.map((b) => b.kind))]) {
      gantt.push(`  section ${kind}`);
      for (const b of timed.filter((x) => x.kind === kind)) {
        const minutes = Math.max(1, Math.ceil((b.timeoutSeconds ?? 60) / 60));
        gantt.push(`  ${label(b.id).replace(/:/g, " ")} : ${hhmm(b.dailyMinutes as number)}, ${minutes}m`);
      }
    }
    blocks.push(
      { kind: "h3", text: t("timeline") },
      { kind: "p", text: t("timelineNote") },
      { kind: "mermaid", code: gantt.join("\n") },
    );
  }
  return { id: "batches", title: t("s_batches"), blocks };
}

export function dataSection(i: DesignInput, t: T): Section {
  const blocks: Block[] = [];
  const aws = i.aws;
  if (aws) {
    const tables = aws.ofType("aws_glue_catalog_table");
    blocks.push({ kind: "h3", text: t("rawTables") });
    blocks.push(
      tableOr(
        [t("database"), t("table"), t("format"), t("location"), t("partitions")],
        tables.map((r) => {
          const a = r.attrs;
          const iceberg =
            at(a, "open_table_format_input.iceberg_input") !== undefined ||
            str(at(a, "parameters.table_type")).toUpperCase() === "ICEBERG";
          const serde = str(at(a, "storage_descriptor.ser_de_info.serialization_library")).split(".").pop();
          const params = (a.parameters as Attrs) ?? {};
          const projection =
            params["projection.enabled"] === "true"
              ? Object.keys(params)
                  .filter((k) => /^projection\.[^.]+\.type$/.test(k))
                  .map(
                    (k) =>
                      `${k.split(".")[1]} (projection: ${str(params[k])}, ${str(params[`projection.${k.split(".")[1]}.range`])})`,
                  )
                  .join(", ")
              : list(a.partition_keys).length
                ? (a.partition_keys as Attrs[]).map((p) => str(p.name)).join(", ")
                : "-";
          return [
            code(aws.resolve(str(a.database_name))),
            code(str(a.name)),
            iceberg
              ? "Iceberg"
              : `${str(params.classification) || "-"}${params.compressionType ? ` (${str(params.compressionType)})` : ""}${serde ? `, ${serde}` : ""}`,
            code(aws.resolve(str(at(a, "storage_descriptor.location")))),
            projection,
          ];
        }),
        t("noTables"),
      ),
    );
    for (const r of tables) {
      const cols = (at(r.attrs, "storage_descriptor.columns") as Attrs[] | undefined) ?? [];
      const parts = (r.attrs.partition_keys as Attrs[] | undefined) ?? [];
      blocks.push({ kind: "h3", text: `${aws.resolve(str(r.attrs.database_name))}.${str(r.attrs.name)}` });
      if (r.attrs.description) blocks.push({ kind: "p", text: str(r.attrs.description) });
      blocks.push(
        tableOr(
          [t("column"), t("type"), t("description")],
          [
            ...cols,
            ...parts.map((p): Attrs => ({ ...p, comment: `${str(p.comment)} (partition)`.trim() })),
          ].map((c) => [code(str(c.name)), code(str(c.type)), str(c.comment)]),
          t("noTables"),
        ),
      );
    }
  }
  if (i.curated?.length) {
    blocks.push({ kind: "h3", text: t("curated") });
    blocks.push({
      kind: "table",
      head: [t("id"), t("table"), t("strategy"), t("primaryKey"), t("dependsOn"), t("checks")],
      rows: i.curated.map((c) => [
        code(c.id),
        code(c.table),
        c.strategy,
        c.primaryKey.map(code).join(", "),
        c.dependsOn.map(code).join(", "),
        c.checks.join("<br>"),
      ]),
    });
  }
  const gcp = i.gcp;
  if (gcp) {
    blocks.push({ kind: "h3", text: t("bqDatasets") });
    blocks.push(
      tableOr(
        [t("id"), t("location"), t("expiration"), t("encryption"), t("description")],
        gcp
          .ofType("google_bigquery_dataset")
          .map((d) => [
            code(str(d.attrs.dataset_id)),
            str(d.attrs.location),
            d.attrs.default_table_expiration_ms
              ? `${Number(d.attrs.default_table_expiration_ms) / 86_400_000} d`
              : "-",
            at(d.attrs, "default_encryption_configuration.kms_key_name")
              ? `CMEK ${code(gcp.resolve(str(at(d.attrs, "default_encryption_configuration.kms_key_name"))))}`
              : "Google-managed",
            str(d.attrs.description),
          ]),
        t("noTables"),
      ),
    );
    const bq = gcp.ofType("google_bigquery_table");
    blocks.push({ kind: "h3", text: t("bqTables") });
    blocks.push(
      tableOr(
        [t("database"), t("table"), t("partitioning"), t("clustering"), t("description")],
        bq.map((b) => [
          code(gcp.resolve(str(b.attrs.dataset_id))),
          code(str(b.attrs.table_id)),
          b.attrs.time_partitioning
            ? `${str(at(b.attrs, "time_partitioning.type"))} ${code(str(at(b.attrs, "time_partitioning.field") ?? "_PARTITIONTIME"))}${b.attrs.require_partition_filter ? " (filter required)" : ""}`
            : "-",
          list(b.attrs.clustering).map(code).join(", ") || "-",
          str(b.attrs.description),
        ]),
        t("noTables"),
      ),
    );
    for (const b of bq) {
      let schema: Attrs[] = [];
      try {
        schema = JSON.parse(str(b.attrs.schema));
      } catch {}
      if (!schema.length) continue;
      blocks.push({ kind: "h3", text: `${gcp.resolve(str(b.attrs.dataset_id))}.${str(b.attrs.table_id)}` });
      blocks.push({
        kind: "table",
        head: [t("column"), t("type"), t("mode"), t("description")],
        rows: schema.map((c) => [
          code(str(c.name)),
          code(str(c.type)),
          str(c.mode ?? "NULLABLE"),
          str(c.description),
        ]),
      });
    }
  }
  return { id: "data", title: t("s_data"), blocks };
}

export function settingsSection(i: DesignInput, t: T): Section {
  const blocks: Block[] = [];
  const aws = i.aws;
  if (aws) {
    blocks.push({ kind: "h3", text: t("settingsItems") }, { kind: "p", text: t("settingsNote") });
    for (const s of settingsItems(aws)) {
      blocks.push({ kind: "p", text: `${code(s.table)}: ${code(str(s.item.pk))} / ${code(str(s.item.sk))}` });
      blocks.push({ kind: "code", lang: "json", code: JSON.stringify(s.item, null, 2) });
    }
    blocks.push({ kind: "h3", text: t("envVars") });
    const rows: string[][] = [];
    for (const f of aws.ofType("aws_lambda_function")) {
      const vars = (at(f.attrs, "environment.variables") as Attrs | undefined) ?? {};
      for (const [k, v] of Object.entries(vars).sort())
        rows.push([code(str(f.attrs.function_name)), code(k), code(aws.resolve(str(v)))]);
    }
    blocks.push(tableOr([t("function"), t("variable"), t("value")], rows, t("noTables")));
  }
  return { id: "settings", title: t("s_settings"), blocks };
}

interface Statement {
  Effect?: string;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

function statements(doc: unknown): Statement[] {
  const p = parsePolicy(doc);
  const s = p?.Statement;
  return Array.isArray(s) ? (s as Statement[]) : s ? [s as Statement] : [];
}

const joinCodes = (v: unknown) => list(v).map(code).join("<br>");
const conditionText = (c: unknown) =>
  c
    ? Object.entries(c as Attrs)
        .flatMap(([op, kv]) =>
          Object.entries(kv as Attrs).map(([k, v]) => `${op} ${k} = ${list(v).join(", ")}`),
        )
        .map(code)
        .join("<br>")
    : "-";
const principalText = (p: unknown) =>
  typeof p === "string"
    ? code(p)
    : p
      ? Object.entries(p as Attrs)
          .map(([k, v]) => `${k}: ${list(v).map(code).join(", ")}`)
          .join("<br>")
      : "-";

export function permissionsSection(i: DesignInput, t: T): Section {
  const blocks: Block[] = [];
  const aws = i.aws;
  if (aws) {
    blocks.push({ kind: "h3", text: t("roles") });
    for (const role of aws.ofType("aws_iam_role")) {
      const name = aws.displayName(role);
      blocks.push({ kind: "h3", text: `${t("role")}: ${name}` });
      const trust = statements(aws.resolveDeep(role.attrs.assume_role_policy));
      blocks.push({
        kind: "table",
        head: [t("trustedBy"), t("actions"), t("conditions")],
        rows: trust.map((s) => [principalText(s.Principal), joinCodes(s.Action), conditionText(s.Condition)]),
      });
      const rows: string[][] = [];
      const belongs = (ref: unknown) => {
        const r = aws.target(ref);
        return r ? r.id === role.id : aws.resolve(str(ref)) === name;
      };
      for (const p of aws.ofType("aws_iam_role_policy").filter((p) => belongs(p.attrs.role))) {
        for (const s of statements(aws.resolveDeep(p.attrs.policy))) {
          rows.push([
            str(s.Effect),
            joinCodes(s.Action ?? s.NotAction),
            joinCodes(s.Resource ?? s.NotResource),
            conditionText(s.Condition),
          ]);
        }
      }
      for (const inline of list(role.attrs.inline_policy)) {
        for (const s of statements(aws.resolveDeep(at(JSON.parse(inline), "policy")))) {
          rows.push([
            str(s.Effect),
            joinCodes(s.Action ?? s.NotAction),
            joinCodes(s.Resource ?? s.NotResource),
            conditionText(s.Condition),
          ]);
        }
      }
      for (const a of aws.ofType("aws_iam_role_policy_attachment").filter((a) => belongs(a.attrs.role))) {
        rows.push([`${t("managed")}`, code(aws.resolve(str(a.attrs.policy_arn))), "-", "-"]);
      }
      for (const arn of list(role.attrs.managed_policy_arns))
        rows.push([t("managed"), code(aws.resolve(arn)), "-", "-"]);
      if (role.attrs.permissions_boundary)
        rows.push(["Boundary", code(aws.resolve(str(role.attrs.permissions_boundary))), "-", "-"]);
      blocks.push(tableOr([t("effect"), t("actions"), t("resources"), t("conditions")], rows, t("noTables")));
    }
    const resourcePolicies: string[][] = [];
    const add = (owner: string, doc: unknown) => {
      for (const s of statements(aws.resolveDeep(doc))) {
        resourcePolicies.push([
          code(owner),
          str(s.Effect),
          principalText(s.Principal),
          joinCodes(s.Action ?? s.NotAction),
          joinCodes(s.Resource),
          conditionText(s.Condition),
        ]);
      }
    };
    for (const p of aws.ofType("aws_s3_bucket_policy")) add(aws.resolve(str(p.attrs.bucket)), p.attrs.policy);
    for (const k of aws.ofType("aws_kms_key")) add(aws.displayName(k), k.attrs.policy);
    for (const q of aws.ofType("aws_sqs_queue_policy"))
      add(aws.resolve(str(q.attrs.queue_url)), q.attrs.policy);
    for (const q of aws.ofType("aws_sns_topic_policy")) add(aws.resolve(str(q.attrs.arn)), q.attrs.policy);
    blocks.push({ kind: "h3", text: t("resourcePolicies") });
    blocks.push(
      tableOr(
        [t("resource"), t("effect"), t("principal"), t("actions"), t("resources"), t("conditions")],
        resourcePolicies,
        t("noTables"),
      ),
    );
  }
  const gcp = i.gcp;
  if (gcp) {
    const rows: string[][] = [];
    for (const r of gcp.resources.filter((r) => /^google_.*_iam_(member|binding)$/.test(r.type))) {
      const scope = r.type.replace(/^google_/, "").replace(/_iam_(member|binding)$/, "");
      const target =
        r.attrs.dataset_id ??
        r.attrs.service_account_id ??
        r.attrs.crypto_key_id ??
        r.attrs.project ??
        r.attrs.bucket ??
        "";
      const members = r.attrs.member !== undefined ? [r.attrs.member] : list(r.attrs.members);
      for (const m of members)
        rows.push([
          code(gcp.resolve(str(m))),
          code(str(r.attrs.role)),
          `${scope} ${code(gcp.resolve(str(target)))}`,
          r.attrs.condition ? code(str(at(r.attrs, "condition.expression"))) : "-",
        ]);
    }
    for (const p of gcp.ofType("google_iam_workload_identity_pool_provider")) {
      rows.push([
        `WIF ${code(str(p.attrs.workload_identity_pool_provider_id))}`,
        "-",
        code(gcp.resolve(str(p.attrs.workload_identity_pool_id))),
        code(str(p.attrs.attribute_condition ?? "-")),
      ]);
    }
    blocks.push({ kind: "h3", text: t("gcpIam") });
    blocks.push(tableOr([t("member"), t("role"), t("resource"), t("conditions")], rows, t("noTables")));
  }
  return { id: "permissions", title: t("s_permissions"), blocks };
}

function ports(from: unknown, to: unknown, protocol: unknown): string {
  if (str(protocol) === "-1") return "all";
  return str(from) === str(to) ? str(from) : `${str(from)}-${str(to)}`;
}

export function networkSection(i: DesignInput, t: T): Section {
  const blocks: Block[] = [];
  const aws = i.aws;
  if (aws) {
    blocks.push({ kind: "h3", text: t("vpc") });
    blocks.push(
      tableOr(
        [t("item"), t("value")],
        aws
          .ofType("aws_vpc")
          .map((v) => [
            code(aws.displayName(v)),
            `${code(str(v.attrs.cidr_block))}, DNS ${str(v.attrs.enable_dns_hostnames ?? "")}`,
          ]),
        t("noTables"),
      ),
    );
    blocks.push({ kind: "h3", text: t("subnets") });
    blocks.push(
      tableOr(
        [t("id"), t("az"), "CIDR", t("tier")],
        aws
          .ofType("aws_subnet")
          .map((s) => [
            code(str(at(s.attrs, "tags.Name") || s.path)),
            str(s.attrs.availability_zone),
            code(str(s.attrs.cidr_block)),
            str(at(s.attrs, "tags.tier")),
          ]),
        t("noTables"),
      ),
    );
    blocks.push({ kind: "h3", text: t("nat") });
    blocks.push(
      tableOr(
        [t("id"), t("subnets")],
        aws
          .ofType("aws_nat_gateway")
          .map((n) => [
            code(str(at(n.attrs, "tags.Name") || n.path)),
            code(aws.resolve(str(n.attrs.subnet_id))),
          ]),
        t("none"),
      ),
    );
    blocks.push({ kind: "h3", text: t("endpoints") });
    blocks.push(
      tableOr(
        [t("service"), t("type"), t("privateDns"), t("policy")],
        aws.ofType("aws_vpc_endpoint").map((e) => [
          code(str(e.attrs.service_name)),
          str(e.attrs.vpc_endpoint_type ?? "Gateway"),
          str(e.attrs.private_dns_enabled ?? "-"),
          e.attrs.policy
            ? statements(aws.resolveDeep(e.attrs.policy))
                .map((s) => `${str(s.Effect)} ${list(s.Action).join(", ")}`)
                .map(code)
                .join("<br>")
            : "-",
        ]),
        t("none"),
      ),
    );
    blocks.push({ kind: "h3", text: t("securityGroups") });
    const sgRows: string[][] = [];
    for (const sg of aws.ofType("aws_security_group")) {
      const name = aws.displayName(sg);
      const ingress = (sg.attrs.ingress as Attrs[] | undefined) ?? [];
      const egress = (sg.attrs.egress as Attrs[] | undefined) ?? [];
      if (!ingress.length)
        sgRows.push([code(name), t("inbound"), "-", "-", t("noInbound"), str(sg.attrs.description)]);
      for (const [dir, rules] of [
        [t("inbound"), ingress],
        [t("outbound"), egress],
      ] as const) {
        for (const r of rules) {
          const peers = [
            ...list(r.cidr_blocks),
            ...list(r.ipv6_cidr_blocks),
            ...list(r.prefix_list_ids),
            ...list(r.security_groups).map((x) => aws.resolve(x)),
          ].filter((x) => x && x !== "null");
          sgRows.push([
            code(name),
            dir,
            str(r.protocol),
            ports(r.from_port, r.to_port, r.protocol),
            peers.map(code).join(", ") || (r.self ? "self" : "-"),
            str(r.description),
          ]);
        }
      }
    }
    for (const r of aws.resources.filter((r) =>
      [
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
      ].includes(r.type),
    )) {
      const dir = r.type.includes("ingress") || r.attrs.type === "ingress" ? t("inbound") : t("outbound");
      const sg = aws.resolve(str(r.attrs.security_group_id));
      const peer = [
        ...list(r.attrs.cidr_blocks),
        str(r.attrs.cidr_ipv4 ?? ""),
        aws.resolve(str(r.attrs.source_security_group_id ?? r.attrs.referenced_security_group_id ?? "")),
        str(r.attrs.prefix_list_id ?? ""),
      ].filter(Boolean);
      sgRows.push([
        code(sg),
        dir,
        str(r.attrs.protocol ?? r.attrs.ip_protocol),
        ports(r.attrs.from_port, r.attrs.to_port, r.attrs.protocol ?? r.attrs.ip_protocol),
        peer.map(code).join(", "),
        str(r.attrs.description),
      ]);
    }
    blocks.push(
      tableOr(
        [t("id"), t("direction"), t("protocol"), t("ports"), t("peer"), t("description")],
        sgRows,
        t("none"),
      ),
    );
    const flows = aws.ofType("aws_flow_log");
    if (flows.length) {
      blocks.push({ kind: "h3", text: t("flowLogs") });
      blocks.push({
        kind: "table",
        head: [t("item"), t("value")],
        rows: flows.map((f) => [
          code(aws.resolve(str(f.attrs.vpc_id))),
          `${str(f.attrs.traffic_type)} -> ${code(aws.resolve(str(f.attrs.log_destination)))}`,
        ]),
      });
    }
  }
  return { id: "network", title: t("s_network"), blocks };
}

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: ">=",
  GreaterThanThreshold: ">",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
  LessThanLowerOrGreaterThanUpperThreshold: "outside band",
  GreaterThanUpperThreshold: "> band",
  LessThanLowerThreshold: "< band",
};

export function monitoringSection(i: DesignInput, t: T): Section {
  const blocks: Block[] = [];
  const aws = i.aws;
  if (aws) {
    const alarmRows = aws.ofType("aws_cloudwatch_metric_alarm").map((a) => {
      const x = a.attrs;
      const queries = (x.metric_query as Attrs[] | undefined) ?? [];
      const metric = x.metric_name
        ? `${str(x.namespace)} ${code(str(x.metric_name))} (${str(x.statistic ?? x.extended_statistic)})`
        : queries
            .map((q) =>
              q.expression
                ? code(`${str(q.id)} = ${str(q.expression)}`)
                : code(`${str(q.id)}: ${str(at(q, "metric.namespace"))} ${str(at(q, "metric.metric_name"))}`),
            )
            .join("<br>");
      const dims = Object.entries((x.dimensions as Attrs | undefined) ?? {}).map(
        ([k, v]) => `${k}=${aws.resolve(str(v))}`,
      );
      const period = x.period ?? queries.map((q) => at(q, "metric.period")).find((p) => p !== undefined);
      return [
        code(str(x.alarm_name)),
        `${metric}${dims.length ? `<br>${dims.map(code).join(", ")}` : ""}`,
        `${OPERATORS[str(x.comparison_operator)] ?? str(x.comparison_operator)} ${str(x.threshold ?? x.threshold_metric_id)}`,
        `${str(period)} ${t("seconds")} × ${str(x.evaluation_periods)}${x.datapoints_to_alarm ? ` (${str(x.datapoints_to_alarm)})` : ""}`,
        list(x.alarm_actions)
          .map((v) => code(aws.resolve(v)))
          .join(", ") || "-",
        str(x.alarm_description),
      ];
    });
    blocks.push({ kind: "h3", text: t("alarms") });
    blocks.push(
      tableOr(
        [t("alarm"), t("metric"), t("condition"), t("period"), t("action"), t("description")],
        alarmRows,
        t("none"),
      ),
    );
    blocks.push({ kind: "h3", text: t("dashboards") });
    blocks.push(
      tableOr(
        [t("id"), t("widgets")],
        aws.ofType("aws_cloudwatch_dashboard").map((d) => {
          let titles: string[] = [];
          try {
            const body = JSON.parse(str(d.attrs.dashboard_body)) as { widgets?: Attrs[] };
            titles = (body.widgets ?? []).map((w) =>
              str(at(w, "properties.title") ?? at(w, "properties.markdown") ?? w.type),
            );
          } catch {}
          return [
            code(str(d.attrs.dashboard_name)),
            `${titles.length}: ${titles.map((x) => x.replace(/\n/g, " ")).join(", ")}`,
          ];
        }),
        t("none"),
      ),
    );
    blocks.push({ kind: "h3", text: t("logGroups") });
    blocks.push(
      tableOr(
        [t("id"), t("retention"), t("encryption")],
        aws
          .ofType("aws_cloudwatch_log_group")
          .map((l) => [
            code(aws.displayName(l)),
            str(l.attrs.retention_in_days ?? "∞"),
            l.attrs.kms_key_id ? `KMS ${code(aws.resolve(str(l.attrs.kms_key_id)))}` : "-",
          ]),
        t("none"),
      ),
    );
    blocks.push({ kind: "h3", text: t("topics") });
    blocks.push(
      tableOr(
        [t("id"), t("subscribers"), t("encryption")],
        aws.ofType("aws_sns_topic").map((s) => {
          const subs = aws
            .ofType("aws_sns_topic_subscription")
            .filter((x) => aws.target(x.attrs.topic_arn)?.id === s.id);
          return [
            code(aws.displayName(s)),
            subs.map((x) => `${str(x.attrs.protocol)}: ${code(str(x.attrs.endpoint))}`).join(", ") || "-",
            s.attrs.kms_master_key_id ? "KMS" : "-",
          ];
        }),
        t("none"),
      ),
    );
  }
  return { id: "monitoring", title: t("s_monitoring"), blocks };
}

export function operationsSection(i: DesignInput, t: T): Section {
  const env = i.env;
  const aws = i.aws;
  const host = aws?.ofType("aws_instance")[0];
  const sampleSource = aws ? settingsItems(aws).find((s) => str(s.item.pk).startsWith("source#")) : undefined;
  const sourceId = sampleSource ? str(sampleSource.item.pk).slice("source#".length) : "<source>";
  const secretId = sampleSource
    ? str(at(sampleSource.item, "auth.secretId")) || "<secret-id>"
    : "<secret-id>";
  const region = str(aws?.provider("aws")?.region) || "<region>";
  const stackNames = [i.aws?.name, i.gcp?.name].filter(Boolean) as string[];
  const blocks: Block[] = [
    { kind: "h3", text: t("opsSession") },
    { kind: "p", text: t("opsSessionText") },
    {
      kind: "code",
      lang: "sh",
      code: `npm run ops -- session --env ${env}\n# ${host ? `= aws ssm start-session --region ${region} --target <instance id of ${aws?.displayName(host)}>` : ""}`,
    },
    { kind: "h3", text: t("opsStatus") },
    {
      kind: "code",
      lang: "sh",
      code: `npm run ops -- status --env ${env}\nnpm run ops -- runs ${sourceId} --env ${env} --limit 10`,
    },
    { kind: "h3", text: t("opsRerun") },
    {
      kind: "code",
      lang: "sh",
      code: `npm run ops -- run ${sourceId} --env ${env} --date YYYY-MM-DD --wait`,
    },
    { kind: "h3", text: t("opsBackfill") },
    { kind: "p", text: t("opsBackfillText") },
    {
      kind: "code",
      lang: "sh",
      code: `npm run ops -- backfill ${sourceId} --env ${env} --from 2026-01-01 --to 2026-01-31 --concurrency 2 --keep-going`,
    },
    { kind: "h3", text: t("opsRotate") },
    { kind: "p", text: t("opsRotateText") },
    {
      kind: "code",
      lang: "sh",
      code: `aws secretsmanager put-secret-value --region ${region} --secret-id ${secretId} --secret-string file://new-value.txt`,
    },
    { kind: "h3", text: t("opsAddSource") },
    { kind: "p", text: t("opsAddSourceText") },
    { kind: "h3", text: t("opsAddTransform") },
    { kind: "p", text: t("opsAddTransformText") },
    { kind: "h3", text: t("opsOutputs") },
    { kind: "p", text: t("opsOutputsText") },
    tableOr(
      [t("stack"), "output", t("description")],
      [i.aws, i.gcp].flatMap((s) =>
        s
          ? Object.entries(s.json.output ?? {}).map(([n, o]) => [code(s.name), code(n), o.description ?? ""])
          : [],
      ),
      "-",
    ),
    { kind: "h3", text: t("opsDestroy") },
    { kind: "p", text: t("opsDestroyText") },
    { kind: "code", lang: "sh", code: stackNames.map((s) => `npx cdktf destroy ${s}`).join("\n") || "-" },
  ];
  return { id: "operations", title: t("s_operations"), blocks };
}
