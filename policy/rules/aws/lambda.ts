/** Lambda rules. */
import { block, perResource, stackOf } from "../../helpers";
import type { Json, Rule } from "../../types";

/** Runtimes AWS still supports for creates and updates (checked 2026-11; nodejs20.x deprecated 2026-04-30). */
export const SUPPORTED_RUNTIMES = [
  "nodejs22.x",
  "nodejs24.x",
  "python3.11",
  "python3.12",
  "python3.13",
  "java21",
  "java17",
  "provided.al2023",
  "dotnet8",
  "ruby3.3",
];
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const SECRET_VALUE = /(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|xox[abp]-|ghp_[A-Za-z0-9]{20,})/;
const FN = {
  function_name: "f",
  runtime: "nodejs22.x",
  tracing_config: { mode: "Active" },
  reserved_concurrent_executions: 1,
  kms_key_arn: "k",
};

export const lambdaRules: Rule[] = [
  perResource(
    {
      id: "AWS-LAMBDA-RUNTIME",
      source: "AWS FSBP Lambda.2",
      description: "Functions use a supported runtime",
      fix: `Use one of ${SUPPORTED_RUNTIMES.slice(0, 3).join(", ")}, …`,
      examples: {
        compliant: stackOf({ aws_lambda_function: { f: FN } }),
        nonCompliant: stackOf({ aws_lambda_function: { f: { ...FN, runtime: "nodejs20.x" } } }),
      },
    },
    ["aws_lambda_function"],
    (b) =>
      b.runtime && !SUPPORTED_RUNTIMES.includes(b.runtime)
        ? `runtime ${b.runtime} is not supported`
        : undefined,
  ),
  perResource(
    {
      id: "AWS-LAMBDA-FAILURE-DESTINATION",
      source: "Checkov CKV_AWS_116",
      description: "Functions keep failed async events (DLQ or on-failure destination)",
      fix: "deadLetterConfig, or aws_lambda_function_event_invoke_config with destinationConfig.onFailure",
      examples: {
        compliant: stackOf({
          aws_lambda_function: { f: FN },
          aws_lambda_function_event_invoke_config: {
            c: {
              function_name: "${aws_lambda_function.f.function_name}",
              destination_config: { on_failure: { destination: "q" } },
            },
          },
        }),
        nonCompliant: stackOf({ aws_lambda_function: { f: FN } }),
      },
    },
    ["aws_lambda_function"],
    (b: Json, ctx, name) =>
      !block(b.dead_letter_config)?.target_arn &&
      !ctx
        .referencing("aws_lambda_function_event_invoke_config", "function_name", "aws_lambda_function", name)
        .some(([, c]) => block(block(c.destination_config)?.on_failure)?.destination),
  ),
  perResource(
    {
      id: "AWS-LAMBDA-TRACING",
      source: "Checkov CKV_AWS_50",
      description: "Functions trace with X-Ray",
      fix: "tracingConfig.mode = Active",
      examples: {
        compliant: stackOf({ aws_lambda_function: { f: FN } }),
        nonCompliant: stackOf({ aws_lambda_function: { f: { ...FN, tracing_config: undefined } } }),
      },
    },
    ["aws_lambda_function"],
    (b) => block(b.tracing_config)?.mode !== "Active",
  ),
  perResource(
    {
      id: "AWS-LAMBDA-RESERVED-CONCURRENCY",
      source: "Checkov CKV_AWS_115",
      description: "Functions reserve (and cap) their concurrency",
      fix: "reservedConcurrentExecutions from config",
      examples: {
        compliant: stackOf({ aws_lambda_function: { f: FN } }),
        nonCompliant: stackOf({
          aws_lambda_function: { f: { ...FN, reserved_concurrent_executions: undefined } },
        }),
      },
    },
    ["aws_lambda_function"],
    (b) => !(b.reserved_concurrent_executions >= 0),
  ),
  perResource(
    {
      id: "AWS-LAMBDA-ENV-KMS",
      source: "Checkov CKV_AWS_173",
      description: "Function environment variables are encrypted with a customer key",
      fix: "kmsKeyArn",
      examples: {
        compliant: stackOf({ aws_lambda_function: { f: FN } }),
        nonCompliant: stackOf({ aws_lambda_function: { f: { ...FN, kms_key_arn: undefined } } }),
      },
    },
    ["aws_lambda_function"],
    (b) => !b.kms_key_arn,
  ),
  perResource(
    {
      id: "AWS-LAMBDA-NO-SECRETS-IN-ENV",
      source: "Checkov CKV_AWS_45",
      description: "No secret values in function environment variables (read them from Secrets Manager)",
      fix: "Keep the secret id in settings; read the value at run time",
      examples: {
        compliant: stackOf({
          aws_lambda_function: { f: { ...FN, environment: { variables: { TABLE: "t" } } } },
        }),
        nonCompliant: stackOf({
          aws_lambda_function: { f: { ...FN, environment: { variables: { API_TOKEN: "s3cr3t" } } } },
        }),
      },
    },
    ["aws_lambda_function"],
    (b) => {
      const vars: Record<string, unknown> = block(b.environment)?.variables ?? {};
      const hit = Object.entries(vars).find(
        ([k, v]) =>
          (SECRET_NAME.test(k) && typeof v === "string" && !v.startsWith("${")) ||
          SECRET_VALUE.test(String(v)),
      );
      return hit ? `environment variable ${hit[0]} holds a secret value` : undefined;
    },
  ),
];
