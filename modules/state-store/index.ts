/**
 * The remote state store: a versioned, KMS-encrypted, TLS-only S3 bucket whose superseded state
 * versions expire, plus (optionally) a DynamoDB lock table for Terraform < 1.10.
 * With Terraform >= 1.10 the S3 backend locks with a lockfile (`use_lockfile`) in the same bucket.
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { stateAccessForCi, stateKeyAccessForCi } from "../ci-identity";
import { KmsKey } from "../kms-key";
import { SecureBucket } from "../secure-bucket";

export interface StateStoreProps {
  readonly bucketName: string;
  readonly accountId: string;
  readonly region: string;
  readonly prefix: string;
  /** Create a DynamoDB lock table too. @default false */
  readonly dynamodbLockTable?: boolean;
  /** Days a superseded state version is kept. @default 90 */
  readonly noncurrentVersionExpiryDays?: number;
  /** Environment accounts whose CI roles (`<prefix>-<env>-ci-plan|apply`) reach their own state. @default [] */
  readonly ciEnvironments?: ReadonlyArray<{ prefix: string; name: string; accountId: string }>;
}

export class StateStore extends Construct {
  readonly bucket: SecureBucket;
  readonly key: KmsKey;
  readonly lockTable?: DynamodbTable;

  constructor(scope: Construct, id: string, props: StateStoreProps) {
    super(scope, id);
    this.key = new KmsKey(this, "key", {
      alias: `${props.prefix}-tfstate`,
      description: "Encrypts Terraform state",
      accountId: props.accountId,
      region: props.region,
      extraStatements: (props.ciEnvironments ?? []).map((e) =>
        stateKeyAccessForCi(e.prefix, e.name, e.accountId),
      ),
    });
    const logs = new SecureBucket(this, "access-logs", {
      bucketName: `${props.bucketName}-logs`.slice(0, 63),
      accountId: props.accountId,
      receivesAccessLogs: true,
      expirationDays: 365,
    });
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucketName,
      kmsKey: this.key,
      accountId: props.accountId,
      accessLogsBucket: logs,
      noncurrentVersionExpiryDays: props.noncurrentVersionExpiryDays ?? 90,
      extraPolicyStatements: (props.ciEnvironments ?? []).flatMap((e) =>
        stateAccessForCi(e.prefix, e.name, e.accountId, `arn:aws:s3:::${props.bucketName}`),
      ),
    });
    new TerraformOutput(this, "state_bucket", {
      value: this.bucket.bucketName,
      description: "S3 bucket name of the remote state",
    });
    new TerraformOutput(this, "state_kms_key_arn", {
      value: this.key.arn,
      description: "ARN of the state KMS key",
    });
    if (props.dynamodbLockTable) {
      this.lockTable = new DynamodbTable(this, "lock", {
        name: `${props.prefix}-tfstate-lock`,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
        deletionProtectionEnabled: true,
      });
      new TerraformOutput(this, "lock_table", {
        value: this.lockTable.name,
        description: "DynamoDB lock table name",
      });
    }
  }
}
