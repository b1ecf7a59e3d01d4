import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { App, TerraformStack, Testing } from "cdktf";
import { tempDir } from "../test/helpers/temp";
import { evaluate, reasonProblem } from "./engine";
import { RULES } from "./pack";
import { checkOutdir, enforcePolicy } from "./report";
import { suppress } from "./suppress";

describe("rule pack", () => {
  it("has at least 30 rules with unique ids, each citing a source and saying how to fix", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.source).toMatch(/\w/);
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.fix.length).toBeGreaterThan(5);
    }
  });

  it("covers S3, EC2, VPC, IAM, KMS, logs, SNS, SQS, DynamoDB, Athena, Glue, Lambda, Timestream, tags, BigQuery, GCP IAM and WIF", () => {
    const prefixes = new Set(RULES.map((r) => r.id.split("-").slice(0, 2).join("-")));
    for (const p of [
      "AWS-S3",
      "AWS-EC2",
      "AWS-VPC",
      "AWS-IAM",
      "AWS-KMS",
      "AWS-LOGS",
      "AWS-SNS",
      "AWS-SQS",
      "AWS-DDB",
      "AWS-ATHENA",
      "AWS-GLUE",
      "AWS-LAMBDA",
      "AWS-TIMESTREAM",
      "TAGS-PROVIDER",
      "GCP-BQ",
      "GCP-IAM",
      "GCP-WIF",
    ]) {
      expect(prefixes).toContain(p);
    }
  });

  describe.each(RULES.map((r) => [r.id, r] as const))("%s", (id, rule) => {
    const stack = rule.examples.stack ?? "dp-aws-dev";
    it("catches the violating example", () => {
      const v = evaluate([{ name: stack, json: rule.examples.nonCompliant }], [rule]).violations;
      expect(v.map((x) => x.rule)).toContain(id);
      expect(v[0].fix).toBe(rule.fix);
    });
    it("passes the compliant example", () => {
      expect(evaluate([{ name: stack, json: rule.examples.compliant }], [rule]).violations).toEqual([]);
    });
  });
});

describe("suppressions", () => {
  const rule = RULES.find((r) => r.id === "AWS-SQS-ENCRYPTED")!;
  const withSuppression = (suppressions: unknown[]) => ({
    resource: { aws_sqs_queue: { q: { "//": { policy: { suppressions } } } } },
  });

  it("a reasoned suppression of one rule on one resource silences it and is reported", () => {
    const r = evaluate(
      [
        {
          name: "s",
          json: withSuppression([
            { rule: rule.id, reason: "Queue carries only public test fixtures, never data" },
          ]),
        },
      ],
      [rule],
    );
    expect(r.violations).toEqual([]);
    expect(r.suppressions).toEqual([
      expect.objectContaining({
        rule: rule.id,
        resource: "aws_sqs_queue.q",
        reason: expect.stringMatching(/public test fixtures/),
      }),
    ]);
  });

  it("a suppression without a real reason is itself a violation, and suppresses nothing", () => {
    for (const reason of [undefined, "", "ok", "TODO fix this later please"]) {
      const r = evaluate([{ name: "s", json: withSuppression([{ rule: rule.id, reason }]) }], [rule]);
      expect(r.violations.map((v) => v.rule).sort()).toEqual([
        "AWS-SQS-ENCRYPTED",
        "POLICY-SUPPRESSION-REASON",
      ]);
    }
    expect(reasonProblem("Queue carries only public test fixtures")).toBeUndefined();
  });

  it("refuses suppressions of unknown rules", () => {
    const r = evaluate(
      [
        {
          name: "s",
          json: withSuppression([{ rule: "NOPE", reason: "a perfectly good sounding reason here" }]),
        },
      ],
      [rule],
    );
    expect(r.violations.find((v) => v.rule === "POLICY-SUPPRESSION-REASON")?.message).toMatch(
      /unknown rule "NOPE"/,
    );
  });

  it("suppress() on constructs and stacks lands in the synthesized JSON, and the report names the construct path", () => {
    const outdir = tempDir("policy-");
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "dp-aws-dev");
    new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
    const q = new SqsQueue(stack, "plain-queue", {});
    suppress(q, "AWS-SQS-ENCRYPTED", "Holds only synthetic test messages in this example");
    new S3Bucket(stack, "naked-bucket", { bucket: "naked" });
    suppress(stack, "TAGS-PROVIDER-DEFAULTS", "This example stack has no tags on purpose");
    app.synth();
    const report = checkOutdir(outdir);
    expect(JSON.parse(readFileSync(join(outdir, "policy-report.json"), "utf8"))).toEqual(report);
    expect(report.suppressions.map((s) => [s.rule, s.resource])).toEqual([
      ["TAGS-PROVIDER-DEFAULTS", "(stack)"],
      ["AWS-SQS-ENCRYPTED", "aws_sqs_queue.plain-queue"],
    ]);
    const bucket = report.violations.filter((v) => v.address === "aws_s3_bucket.naked-bucket");
    expect(bucket.map((v) => v.rule)).toEqual(
      expect.arrayContaining(["AWS-S3-PUBLIC-ACCESS-BLOCK", "AWS-S3-TLS-ONLY", "AWS-S3-VERSIONING"]),
    );
    expect(bucket[0].path).toBe("dp-aws-dev/naked-bucket");
    expect(
      report.violations.some((v) => v.rule === "AWS-SQS-ENCRYPTED" || v.rule === "TAGS-PROVIDER-DEFAULTS"),
    ).toBe(false);
    const printed: string[] = [];
    expect(enforcePolicy(outdir, (t) => printed.push(t))).toBe(false);
    expect(printed[0]).toMatch(
      /✗ AWS-S3-TLS-ONLY {2}dp-aws-dev {2}dp-aws-dev\/naked-bucket\n.*\n {6}fix: Add a Deny statement/,
    );
  });
});

describe("protection is read from the stack, not its name", () => {
  it("applies deletion-protection rules to a stack by its recorded level, whatever it is called", async () => {
    const { environments } = await import("../config/environments");
    const { loadEnvironments } = await import("../config/load");
    const { BootstrapStack } = await import("../stacks/bootstrap-stack");
    const { GcpStack } = await import("../stacks/gcp-stack");
    // The full synth keeps the stack's "//" metadata (Testing.synth drops it).
    const synthesize = (stack: TerraformStack) => ({
      json: JSON.parse(
        readFileSync(join(Testing.fullSynth(stack), "stacks", stack.node.id, "cdk.tf.json"), "utf8"),
      ),
    });
    const envs = loadEnvironments(structuredClone(environments));
    for (const env of envs) {
      const withLock = {
        ...env,
        state: { ...env.state, lock: "dynamodb", dynamodbTable: "lock" },
      } as typeof env;
      const boot = synthesize(
        new BootstrapStack(Testing.app(), `dp-bootstrap-${env.name}`, { env: withLock }),
      );
      const gcp = synthesize(new GcpStack(Testing.app(), `dp-gcp-${env.name}`, { env }));
      for (const s of [boot, gcp]) expect(s.json["//"].protection).toBe(env.protection);
      // The lock table's deletion protection follows the level: the rule holds for every level.
      const report = evaluate([{ name: `dp-bootstrap-${env.name}`, json: boot.json }]);
      expect(report.violations.filter((v) => v.rule === "AWS-DDB-DELETION-PROTECTION-PROD")).toEqual([]);
    }
    // A stack recording "standard" is protected even when its name ends in -dev.
    const unprotectedTable = stackOfTable();
    expect(
      evaluate([
        { name: "dp-aws-dev", json: { ...unprotectedTable, "//": { protection: "standard" } } },
      ]).violations.map((v) => v.rule),
    ).toContain("AWS-DDB-DELETION-PROTECTION-PROD");
    expect(
      evaluate([
        { name: "dp-aws-prod", json: { ...unprotectedTable, "//": { protection: "none" } } },
      ]).violations.map((v) => v.rule),
    ).not.toContain("AWS-DDB-DELETION-PROTECTION-PROD");
  });
});

function stackOfTable() {
  return { resource: { aws_dynamodb_table: { t: { name: "t", deletion_protection_enabled: false } } } };
}
