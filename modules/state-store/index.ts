/**
 * The remote state store of ONE environment account: a versioned, KMS-encrypted, TLS-only S3
 * bucket whose superseded state versions expire, its own rotating key, and (optionally) a DynamoDB
 * lock table. One store per account (the `<prefix>-bootstrap-<env>` stack) is what isolates
 * environments: nothing here grants another account anything, and the bucket and key policies
 * deny every other account, deny every CI role changes to the store, and deny plan roles writes.
 * With Terraform >= 1.10 the S3 backend locks with a lockfile (`use_lockfile`) in the same bucket.
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import { KmsKey } from "../kms-key";
import { SecureBucket } from "../secure-bucket";
import { stateBucketDenies, stateKeyDenies } from "./grants";

export interface StateStoreProps {
  readonly bucketName: string;
  /** The environment account the store lives in (and the only one that may use it). */
  readonly accountId: string;
  readonly region: string;
  /** Naming prefix of the CI roles the policies deny (`<prefix>-<env>-ci-*`). */
  readonly prefix: string;
  /** Key alias without `alias/`, e.g. `dp-prod-tfstate`. */
  readonly keyAlias: string;
  /** Name of a DynamoDB lock table to create. @default - none (S3 lockfile locking) */
  readonly lockTableName?: string;
  /** Days a superseded state version is kept. @default 90 */
  readonly noncurrentVersionExpiryDays?: number;
}

export class StateStore extends Construct {
  readonly bucket: SecureBucket;
  readonly key: KmsKey;
  readonly lockTable?: DynamodbTable;

  constructor(scope: Construct, id: string, props: StateStoreProps) {
    super(scope, id);
    this.key = new KmsKey(this, "key", {
      alias: props.keyAlias,
      description: "Encrypts Terraform state",
      accountId: props.accountId,
      region: props.region,
      extraStatements: stateKeyDenies(props.accountId, props.prefix),
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
      extraPolicyStatements: stateBucketDenies(
        `arn:aws:s3:::${props.bucketName}`,
        props.accountId,
        props.prefix,
      ),
    });
    if (props.lockTableName) {
      this.lockTable = new DynamodbTable(this, "lock", {
        name: props.lockTableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
        deletionProtectionEnabled: true,
      });
    }
  }
}
