/** KMS, logs, SNS, SQS, DynamoDB, Athena, Glue, Timestream rules. */
import { block, perResource, stackOf } from "../../helpers";
import type { Rule } from "../../types";

const K = "${aws_kms_key.k.arn}";

export const serviceRules: Rule[] = [
  perResource(
    {
      id: "AWS-KMS-ROTATION",
      source: "AWS FSBP KMS.4; Checkov CKV_AWS_7",
      description: "Customer keys rotate yearly",
      fix: "enableKeyRotation = true",
      examples: {
        compliant: stackOf({ aws_kms_key: { k: { enable_key_rotation: true, policy: "{}" } } }),
        nonCompliant: stackOf({ aws_kms_key: { k: { policy: "{}" } } }),
      },
    },
    ["aws_kms_key"],
    (b) => b.enable_key_rotation !== true,
  ),
  perResource(
    {
      id: "AWS-KMS-EXPLICIT-POLICY",
      source: "Checkov CKV2_AWS_64",
      description: "Customer keys have an explicit key policy",
      fix: "Use the KmsKey construct (explicit policy)",
      examples: {
        compliant: stackOf({ aws_kms_key: { k: { enable_key_rotation: true, policy: "{}" } } }),
        nonCompliant: stackOf({ aws_kms_key: { k: { enable_key_rotation: true } } }),
      },
    },
    ["aws_kms_key"],
    (b) => !b.policy,
  ),
  perResource(
    {
      id: "AWS-LOGS-RETENTION",
      source: "Checkov CKV_AWS_66",
      description: "Log groups set a retention period",
      fix: "retentionInDays from config",
      examples: {
        compliant: stackOf({ aws_cloudwatch_log_group: { l: { retention_in_days: 90, kms_key_id: K } } }),
        nonCompliant: stackOf({ aws_cloudwatch_log_group: { l: { kms_key_id: K } } }),
      },
    },
    ["aws_cloudwatch_log_group"],
    (b) => !(b.retention_in_days > 0),
  ),
  perResource(
    {
      id: "AWS-LOGS-KMS",
      source: "Checkov CKV_AWS_158",
      description: "Log groups are encrypted with a customer key",
      fix: "kmsKeyId = the platform key",
      examples: {
        compliant: stackOf({ aws_cloudwatch_log_group: { l: { retention_in_days: 90, kms_key_id: K } } }),
        nonCompliant: stackOf({ aws_cloudwatch_log_group: { l: { retention_in_days: 90 } } }),
      },
    },
    ["aws_cloudwatch_log_group"],
    (b) => !b.kms_key_id,
  ),
  perResource(
    {
      id: "AWS-SNS-KMS",
      source: "AWS FSBP SNS.1; Checkov CKV_AWS_26",
      description: "SNS topics are encrypted with KMS",
      fix: "kmsMasterKeyId",
      examples: {
        compliant: stackOf({ aws_sns_topic: { t: { kms_master_key_id: K } } }),
        nonCompliant: stackOf({ aws_sns_topic: { t: {} } }),
      },
    },
    ["aws_sns_topic"],
    (b) => !b.kms_master_key_id,
  ),
  perResource(
    {
      id: "AWS-SQS-ENCRYPTED",
      source: "AWS FSBP SQS.1; Checkov CKV_AWS_27",
      description: "SQS queues are encrypted at rest",
      fix: "kmsMasterKeyId (or sqsManagedSseEnabled)",
      examples: {
        compliant: stackOf({ aws_sqs_queue: { q: { kms_master_key_id: K } } }),
        nonCompliant: stackOf({ aws_sqs_queue: { q: { sqs_managed_sse_enabled: false } } }),
      },
    },
    ["aws_sqs_queue"],
    (b) => !b.kms_master_key_id && b.sqs_managed_sse_enabled !== true,
  ),
  perResource(
    {
      id: "AWS-DDB-PITR",
      source: "AWS FSBP DynamoDB.2; Checkov CKV_AWS_28",
      description: "DynamoDB tables have point-in-time recovery",
      fix: "pointInTimeRecovery.enabled = true",
      examples: {
        compliant: stackOf({ aws_dynamodb_table: { t: { point_in_time_recovery: { enabled: true } } } }),
        nonCompliant: stackOf({ aws_dynamodb_table: { t: {} } }),
      },
    },
    ["aws_dynamodb_table"],
    (b) => block(b.point_in_time_recovery)?.enabled !== true,
  ),
  perResource(
    {
      id: "AWS-DDB-KMS",
      source: "Checkov CKV_AWS_119",
      description: "DynamoDB tables are encrypted with a customer key",
      fix: "serverSideEncryption { enabled, kmsKeyArn }",
      examples: {
        compliant: stackOf({
          aws_dynamodb_table: { t: { server_side_encryption: { enabled: true, kms_key_arn: K } } },
        }),
        nonCompliant: stackOf({ aws_dynamodb_table: { t: {} } }),
      },
    },
    ["aws_dynamodb_table"],
    (b) =>
      !(block(b.server_side_encryption)?.enabled === true && block(b.server_side_encryption)?.kms_key_arn),
  ),
  perResource(
    {
      id: "AWS-DDB-DELETION-PROTECTION-PROD",
      source: "AWS FSBP DynamoDB.6",
      description: "DynamoDB tables in prod are protected from deletion",
      fix: "deletionProtectionEnabled = true in prod",
      examples: {
        stack: "dp-aws-prod",
        compliant: stackOf({ aws_dynamodb_table: { t: { deletion_protection_enabled: true } } }),
        nonCompliant: stackOf({ aws_dynamodb_table: { t: {} } }),
      },
    },
    ["aws_dynamodb_table"],
    (b, ctx) => ctx.isProd && b.deletion_protection_enabled !== true,
  ),
  perResource(
    {
      id: "AWS-ATHENA-ENFORCED",
      source: "Checkov CKV_AWS_82",
      description: "Athena workgroups enforce their configuration",
      fix: "enforceWorkgroupConfiguration = true",
      examples: {
        compliant: stackOf({
          aws_athena_workgroup: { w: { configuration: { enforce_workgroup_configuration: true } } },
        }),
        nonCompliant: stackOf({
          aws_athena_workgroup: { w: { configuration: { enforce_workgroup_configuration: false } } },
        }),
      },
    },
    ["aws_athena_workgroup"],
    (b) => block(b.configuration)?.enforce_workgroup_configuration !== true,
  ),
  perResource(
    {
      id: "AWS-ATHENA-RESULTS-ENCRYPTED",
      source: "Checkov CKV_AWS_159",
      description: "Athena query results are encrypted",
      fix: "resultConfiguration.encryptionConfiguration SSE_KMS",
      examples: {
        compliant: stackOf({
          aws_athena_workgroup: {
            w: {
              configuration: {
                result_configuration: { encryption_configuration: { encryption_option: "SSE_KMS" } },
              },
            },
          },
        }),
        nonCompliant: stackOf({ aws_athena_workgroup: { w: { configuration: {} } } }),
      },
    },
    ["aws_athena_workgroup"],
    (b) =>
      !block(block(block(b.configuration)?.result_configuration)?.encryption_configuration)
        ?.encryption_option,
  ),
  perResource(
    {
      id: "AWS-ATHENA-SCAN-CUTOFF",
      source: "project (cost guard)",
      description: "Athena workgroups cap the bytes a query may scan",
      fix: "bytesScannedCutoffPerQuery from config",
      examples: {
        compliant: stackOf({
          aws_athena_workgroup: { w: { configuration: { bytes_scanned_cutoff_per_query: 10485760 } } },
        }),
        nonCompliant: stackOf({ aws_athena_workgroup: { w: { configuration: {} } } }),
      },
    },
    ["aws_athena_workgroup"],
    (b) => !(block(b.configuration)?.bytes_scanned_cutoff_per_query > 0),
  ),
  {
    id: "AWS-GLUE-CATALOG-ENCRYPTION",
    source: "Checkov CKV_AWS_94",
    description: "A stack with Glue databases encrypts the Data Catalog with KMS",
    fix: "aws_glue_data_catalog_encryption_settings with SSE-KMS (Catalog does)",
    examples: {
      compliant: stackOf({
        aws_glue_catalog_database: { d: {} },
        aws_glue_data_catalog_encryption_settings: {
          e: {
            data_catalog_encryption_settings: { encryption_at_rest: { catalog_encryption_mode: "SSE-KMS" } },
          },
        },
      }),
      nonCompliant: stackOf({ aws_glue_catalog_database: { d: {} } }),
    },
    check: (ctx) => {
      const dbs = ctx.resources("aws_glue_catalog_database");
      const ok = ctx
        .resources("aws_glue_data_catalog_encryption_settings")
        .some(
          ([, e]) =>
            block(block(e.data_catalog_encryption_settings)?.encryption_at_rest)?.catalog_encryption_mode ===
            "SSE-KMS",
        );
      return dbs.length > 0 && !ok ? [{ address: `aws_glue_catalog_database.${dbs[0][0]}` }] : [];
    },
  },
  perResource(
    {
      id: "AWS-GLUE-PARTITION-PROJECTION",
      source: "project (no crawler, no MSCK REPAIR)",
      description: "Partitioned raw tables use partition projection with a location template",
      fix: "projection.enabled, projection.<key>.*, storage.location.template",
      examples: {
        compliant: stackOf({
          aws_glue_catalog_table: {
            t: {
              partition_keys: [{ name: "dt" }],
              parameters: {
                "projection.enabled": "true",
                "storage.location.template": "s3://b/p/dt=$${dt}/",
              },
            },
          },
        }),
        nonCompliant: stackOf({
          aws_glue_catalog_table: { t: { partition_keys: [{ name: "dt" }], parameters: {} } },
        }),
      },
    },
    ["aws_glue_catalog_table"],
    (b) =>
      (b.partition_keys ?? []).length > 0 &&
      !(b.parameters?.["projection.enabled"] === "true" && b.parameters?.["storage.location.template"]),
  ),
  perResource(
    {
      id: "AWS-TIMESTREAM-KMS",
      source: "Checkov CKV_AWS_160",
      description: "Timestream databases use a customer key",
      fix: "kmsKeyId",
      examples: {
        compliant: stackOf({ aws_timestreamwrite_database: { d: { kms_key_id: K } } }),
        nonCompliant: stackOf({ aws_timestreamwrite_database: { d: {} } }),
      },
    },
    ["aws_timestreamwrite_database"],
    (b) => !b.kms_key_id,
  ),
];
