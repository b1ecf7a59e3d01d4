/**
 * Timestream for LiveAnalytics database (customer KMS key) and a table for pipeline run metrics.
 * Note: closed to new AWS customers since 2025-06-20; the stack creates it only when the
 * environment's `timestream.enabled` switch is on.
 */

import { TimestreamwriteDatabase } from "@cdktf/provider-aws/lib/timestreamwrite-database";
import { TimestreamwriteTable } from "@cdktf/provider-aws/lib/timestreamwrite-table";
import { Construct } from "constructs";
import type { IGrantable } from "../iam/service-role";
import type { KmsKey } from "../kms-key";

export interface TimestreamProps {
  readonly databaseName: string;
  /** @default "pipeline_runs" */
  readonly tableName?: string;
  readonly key: KmsKey;
  /** @default 24 */
  readonly memoryRetentionHours?: number;
  /** @default 365 */
  readonly magneticRetentionDays?: number;
}

export class Timestream extends Construct {
  readonly database: TimestreamwriteDatabase;
  readonly table: TimestreamwriteTable;

  constructor(scope: Construct, id: string, props: TimestreamProps) {
    super(scope, id);
    this.database = new TimestreamwriteDatabase(this, "database", {
      databaseName: props.databaseName,
      kmsKeyId: props.key.arn,
    });
    this.table = new TimestreamwriteTable(this, "runs", {
      databaseName: this.database.databaseName,
      tableName: props.tableName ?? "pipeline_runs",
      retentionProperties: {
        memoryStoreRetentionPeriodInHours: props.memoryRetentionHours ?? 24,
        magneticStoreRetentionPeriodInDays: props.magneticRetentionDays ?? 365,
      },
      magneticStoreWriteProperties: { enableMagneticStoreWrites: true },
    });
  }

  /** Write records to the runs table (DescribeEndpoints is account-wide by design). */
  grantWrite(grantee: IGrantable, key: KmsKey): void {
    grantee.addToPolicy(
      { Effect: "Allow", Action: ["timestream:WriteRecords"], Resource: this.table.arn },
      { Effect: "Allow", Action: ["timestream:DescribeEndpoints"], Resource: "*" },
    );
    key.grantEncryptDecrypt(grantee);
  }
}
