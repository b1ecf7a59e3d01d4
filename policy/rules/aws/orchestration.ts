/** Step Functions and EventBridge rules (the curate runner and its triggers). */
import { block, perResource, stackOf } from "../../helpers";
import type { Rule } from "../../types";

const SM = {
  name: "m",
  logging_configuration: { level: "ERROR", log_destination: "arn:aws:logs:r:1:log-group:g:*" },
  tracing_configuration: { enabled: true },
  encryption_configuration: { type: "CUSTOMER_MANAGED_KMS_KEY", kms_key_id: "k" },
};

export const orchestrationRules: Rule[] = [
  perResource(
    {
      id: "AWS-SFN-LOGGING",
      source: "AWS FSBP StepFunctions.1",
      description: "State machines log executions and trace with X-Ray",
      fix: "loggingConfiguration { level: ERROR|ALL, logDestination } and tracingConfiguration { enabled: true }",
      examples: {
        compliant: stackOf({ aws_sfn_state_machine: { m: SM } }),
        nonCompliant: stackOf({
          aws_sfn_state_machine: { m: { ...SM, logging_configuration: { level: "OFF" } } },
        }),
      },
    },
    ["aws_sfn_state_machine"],
    (b) => {
      const log = block(b.logging_configuration);
      if (!log?.log_destination || (log.level ?? "OFF") === "OFF") return "no execution logging";
      return block(b.tracing_configuration)?.enabled === true ? undefined : "X-Ray tracing off";
    },
  ),
  perResource(
    {
      id: "AWS-SFN-KMS",
      source: "project (execution data holds SQL and run details)",
      description: "State machines encrypt execution data with a customer key",
      fix: "encryptionConfiguration { type: CUSTOMER_MANAGED_KMS_KEY, kmsKeyId }",
      examples: {
        compliant: stackOf({ aws_sfn_state_machine: { m: SM } }),
        nonCompliant: stackOf({
          aws_sfn_state_machine: { m: { ...SM, encryption_configuration: undefined } },
        }),
      },
    },
    ["aws_sfn_state_machine"],
    (b) => block(b.encryption_configuration)?.type !== "CUSTOMER_MANAGED_KMS_KEY",
  ),
  perResource(
    {
      id: "AWS-EVENTS-TARGET-DLQ",
      source: "project (a trigger that cannot be delivered is kept and alarmed, never lost)",
      description: "EventBridge rule targets have a dead-letter queue",
      fix: "deadLetterConfig { arn: <encrypted SQS queue> }",
      examples: {
        compliant: stackOf({
          aws_cloudwatch_event_target: { t: { rule: "r", arn: "a", dead_letter_config: { arn: "q" } } },
        }),
        nonCompliant: stackOf({ aws_cloudwatch_event_target: { t: { rule: "r", arn: "a" } } }),
      },
    },
    ["aws_cloudwatch_event_target"],
    (b) => !block(b.dead_letter_config)?.arn,
  ),
];
