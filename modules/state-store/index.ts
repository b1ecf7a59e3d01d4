/**
 * The remote state store of ONE environment account: a versioned, KMS-encrypted, TLS-only S3
 * bucket whose superseded state versions expire, its own rotating key, and (optionally) a DynamoDB
 * lock table. One store per account (the `<prefix>-bootstrap-<env>` stack) is what isolates
 * environments: nothing here grants another account anything, and the bucket and key policies
 * deny every other account, deny every CI role changes to the store, and deny plan roles writes.
 * With Terraform >= 1.10 the S3 backend locks with a lockfile (`use_lockfile`) in the same bucket.
 *
 * Under `protection: "strict"` the bucket, its key and the lock table carry `prevent_destroy`.
 * The lock table keeps deletion protection on at every level (it holds the state digests).
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";
import { dataLifecycle, type Protection } from "../../lib/protection";
import type { IGrantable } from "../iam/service-role";
import { KmsKey } from "../kms-key";
import { SecureBucket } from "../secure-bucket";
import { ciStateStatements, type StateLocation, stateBucketDenies, stateKeyDenies } from "./grants";

export interface StateStoreProps {
  /** State bucket name (S3 naming rules; the access-log bucket is `<name>-logs`). */
  readonly bucketName: string;
  /** The environment account the store lives in (and the only one that may use it). */
  readonly accountId: string;
  /** Region of the bucket, key and lock table. */
  readonly region: string;
  /** Naming prefix of the CI roles the policies deny (`<prefix>-<env>-ci-*`). */
  readonly prefix: string;
  /** Key alias without `alias/`, e.g. `dp-prod-tfstate`. */
  readonly keyAlias: string;
  /** Name of a DynamoDB lock table to create. @default - none (S3 lockfile locking) */
  readonly lockTableName?: string;
  /** Days a superseded state version is kept. @default 90 */
  readonly noncurrentVersionExpiryDays?: number;
  /** Protection level of the environment: `strict` adds `prevent_destroy`. @default "standard" */
  readonly protection?: Protection;
}

export class StateStore extends Construct {
  /** The state bucket (states under `<env>/`). */
  readonly bucket: SecureBucket;
  /** The key that encrypts the states. */
  readonly key: KmsKey;
  /** The DynamoDB lock table, when `lockTableName` is set. */
  readonly lockTable?: DynamodbTable;
  private readonly props: StateStoreProps;

  constructor(scope: Construct, id: string, props: StateStoreProps) {
    super(scope, id);
    const v = new PropsValidator("StateStore", id);
    v.matches("prefix", props.prefix, /^[a-z][a-z0-9-]*$/, "lowercase letters, digits and '-'");
    v.matches(
      "lockTableName",
      props.lockTableName,
      /^[A-Za-z0-9_.-]{3,255}$/,
      "3-255 letters, digits, '_', '-' or '.'",
    );
    v.throwIfInvalid();
    this.props = props;
    this.key = new KmsKey(this, "key", {
      alias: props.keyAlias,
      description: "Encrypts Terraform state",
      accountId: props.accountId,
      region: props.region,
      extraStatements: stateKeyDenies(props.accountId, props.prefix),
      protection: props.protection,
    });
    const logs = new SecureBucket(this, "access-logs", {
      bucketName: `${props.bucketName}-logs`.slice(0, 63),
      accountId: props.accountId,
      receivesAccessLogs: true,
      expirationDays: 365,
      protection: props.protection,
    });
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucketName,
      kmsKey: this.key,
      accountId: props.accountId,
      accessLogsBucket: logs,
      noncurrentVersionExpiryDays: props.noncurrentVersionExpiryDays,
      extraPolicyStatements: stateBucketDenies(
        `arn:aws:s3:::${props.bucketName}`,
        props.accountId,
        props.prefix,
      ),
      protection: props.protection,
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
        lifecycle: dataLifecycle(props.protection),
      });
    }
  }

  /** Where the states of `environment` live in this store (what a CI role's grants name). */
  location(environment: string): StateLocation {
    return {
      bucket: this.props.bucketName,
      region: this.props.region,
      accountId: this.props.accountId,
      kmsAlias: this.key.aliasName,
      environment,
      lockTable: this.props.lockTableName,
    };
  }

  /** Read the states of `environment` (plans: `-lock=false`), decrypting with the state key. */
  grantReadState(grantee: IGrantable, environment: string): void {
    grantee.addToPolicy(...ciStateStatements(this.location(environment), "plan"));
  }

  /** Read and write the states and locks of `environment`, with the state key. */
  grantReadWriteState(grantee: IGrantable, environment: string): void {
    grantee.addToPolicy(...ciStateStatements(this.location(environment), "apply"));
  }
}
