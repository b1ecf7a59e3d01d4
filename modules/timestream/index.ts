/**
 * Timestream for LiveAnalytics database (customer KMS key) and a table for pipeline run metrics.
 * Note: closed to new AWS customers since 2025-06-20; the stack creates it only when the
 * environment's `timestream.enabled` switch is on. Under `protection: "strict"` the database and
 * the table carry `prevent_destroy`.
 */

import { TimestreamwriteDatabase } from "@cdktf/provider-aws/lib/timestreamwrite-database";
import { TimestreamwriteTable } from "@cdktf/provider-aws/lib/timestreamwrite-table";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";
import { dataLifecycle, type Protection } from "../../lib/protection";
import type { IGrantable } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import { TIMESTREAM_DEFAULTS } from "./defaults";
import { TIMESTREAM_DESCRIBE_ENDPOINTS, TIMESTREAM_READ, TIMESTREAM_WRITE } from "./perms";

/** Timestream names: 3-256 letters, digits, `_`, `-`, `.`. */
const NAME = /^[A-Za-z0-9_.-]{3,256}$/;
const NAME_RULE = "3-256 letters, digits, '_', '-' or '.'";

export interface TimestreamProps {
  /** Database name. */
  readonly databaseName: string;
  /** Table for run metrics. @default "pipeline_runs" */
  readonly tableName?: string;
  /** Customer key of the database; granted with the table. */
  readonly key: KmsKey;
  /** Hours records stay in the memory store (1-8766). @default 24 */
  readonly memoryRetentionHours?: number;
  /** Days records stay in the magnetic store (1-73000). @default 365 */
  readonly magneticRetentionDays?: number;
  /** Protection level of the environment: `strict` adds `prevent_destroy`. @default "standard" */
  readonly protection?: Protection;
}

export class Timestream extends Construct {
  /** The `aws_timestreamwrite_database` resource. */
  readonly database: TimestreamwriteDatabase;
  /** The run metrics table. */
  readonly table: TimestreamwriteTable;
  /** Table ARN, `arn:aws:timestream:<region>:<account>:database/<db>/table/<table>`. */
  readonly tableArn: string;
  /** The key the database is encrypted with (granted by `grant*`). */
  readonly encryptionKey: KmsKey;

  constructor(scope: Construct, id: string, props: TimestreamProps) {
    super(scope, id);
    const v = new PropsValidator("Timestream", id);
    v.matches("databaseName", props.databaseName, NAME, NAME_RULE);
    v.matches("tableName", props.tableName, NAME, NAME_RULE);
    v.range("memoryRetentionHours", props.memoryRetentionHours, { min: 1, max: 8766 });
    v.range("magneticRetentionDays", props.magneticRetentionDays, { min: 1, max: 73000 });
    v.throwIfInvalid();

    this.encryptionKey = props.key;
    const lifecycle = dataLifecycle(props.protection);
    this.database = new TimestreamwriteDatabase(this, "database", {
      databaseName: props.databaseName,
      kmsKeyId: props.key.arn,
      lifecycle,
    });
    this.table = new TimestreamwriteTable(this, "runs", {
      databaseName: this.database.databaseName,
      tableName: props.tableName ?? TIMESTREAM_DEFAULTS.tableName,
      retentionProperties: {
        memoryStoreRetentionPeriodInHours:
          props.memoryRetentionHours ?? TIMESTREAM_DEFAULTS.memoryRetentionHours,
        magneticStoreRetentionPeriodInDays:
          props.magneticRetentionDays ?? TIMESTREAM_DEFAULTS.magneticRetentionDays,
      },
      magneticStoreWriteProperties: { enableMagneticStoreWrites: true },
      lifecycle,
    });
    this.tableArn = this.table.arn;
  }

  /** Write records to the runs table, encrypting with the database's key. */
  grantWrite(grantee: IGrantable): void {
    grantee.addToPolicy(
      { Effect: "Allow", Action: [...TIMESTREAM_WRITE], Resource: this.tableArn },
      { Effect: "Allow", Action: [...TIMESTREAM_DESCRIBE_ENDPOINTS], Resource: "*" },
    );
    this.encryptionKey.grantEncryptDecrypt(grantee);
  }

  /** Query the runs table, decrypting with the database's key. */
  grantRead(grantee: IGrantable): void {
    grantee.addToPolicy(
      { Effect: "Allow", Action: [...TIMESTREAM_READ], Resource: this.tableArn },
      { Effect: "Allow", Action: [...TIMESTREAM_DESCRIBE_ENDPOINTS], Resource: "*" },
    );
    this.encryptionKey.grantDecrypt(grantee);
  }
}
