/**
 * An S3 bucket that is secure unless a prop says otherwise: all four public access blocks,
 * BucketOwnerEnforced (ACLs off), default encryption (SSE-KMS with the given key, else SSE-S3),
 * a TLS-only bucket policy, versioning, server access logging and lifecycle rules.
 *
 * | kmsKey | versioned | typical use                              |
 * |--------|-----------|------------------------------------------|
 * | set    | true      | data buckets (raw, curated, state)       |
 * | unset  | true      | access-log bucket (log delivery: SSE-S3) |
 *
 * | protection | forceDestroy allowed | `prevent_destroy` on the bucket |
 * |------------|----------------------|---------------------------------|
 * | none       | yes                  | no                              |
 * | standard   | no (refused)         | no                              |
 * | strict     | no (refused)         | yes                             |
 */
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";
import { dataLifecycle, type Protection, protectionOf } from "../../lib/protection";
import { bucketNameProblem } from "../../lib/rules/names";
import type { PolicyStatement } from "../iam/policy";
import { policyDocument } from "../iam/policy";
import type { IGrantable } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import {
  BUCKET_DELETE_OBJECT,
  BUCKET_LIST,
  BUCKET_PUT_OBJECT,
  BUCKET_READ_OBJECT,
  BUCKET_WRITE_OBJECT,
} from "./perms";

/** Storage classes a lifecycle transition may move current objects to. */
export type TransitionStorageClass = "STANDARD_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR" | "GLACIER";
/** S3 refuses transitions to STANDARD_IA before 30 days. */
const MIN_TRANSITION_DAYS: Partial<Record<TransitionStorageClass, number>> = { STANDARD_IA: 30 };

export interface SecureBucketProps {
  /** Globally unique bucket name (validated against S3's naming rules). */
  readonly bucketName: string;
  /** Customer key for SSE-KMS. @default - SSE-S3 (AES256), for buckets that receive S3 server access logs */
  readonly kmsKey?: KmsKey;
  /** Keep every object version. @default true */
  readonly versioned?: boolean;
  /** Bucket that receives this bucket's server access logs (under `<bucketName>/`). @default - none (only the log bucket itself) */
  readonly accessLogsBucket?: SecureBucket;
  /** Days a noncurrent version is kept. @default 90 */
  readonly noncurrentVersionExpiryDays?: number;
  /** Days until current objects expire. @default - never */
  readonly expirationDays?: number;
  /** Days after which an incomplete multipart upload is aborted (its parts deleted). @default 7 */
  readonly abortIncompleteMultipartDays?: number;
  /**
   * Expiry of objects under a prefix (current versions after `days`, noncurrent ones a day after
   * they become noncurrent), e.g. staging areas that crashed writers leave behind. @default []
   */
  readonly prefixExpirations?: Array<{ prefix: string; days: number }>;
  /** Storage class transitions of current objects (STANDARD_IA after at least 30 days). @default [] */
  readonly transitions?: Array<{ days: number; storageClass: TransitionStorageClass }>;
  /**
   * Delete all objects when the bucket is destroyed. Refused unless `protection` is `"none"`.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /** Accept S3 server access logs from buckets of `accountId` (conflicts with `kmsKey`). @default false */
  readonly receivesAccessLogs?: boolean;
  /** Account that owns the bucket (12 digits); the only source of access logs it accepts. */
  readonly accountId: string;
  /** More bucket policy statements (e.g. cross-account access for CI roles). @default [] */
  readonly extraPolicyStatements?: PolicyStatement[];
  /**
   * Protection level of the environment: `strict` adds `prevent_destroy`; anything but `none`
   * refuses `forceDestroy`. @default "standard"
   */
  readonly protection?: Protection;
}

export class SecureBucket extends Construct {
  /** The `aws_s3_bucket` resource. */
  readonly bucket: S3Bucket;
  /** Bucket name (a reference to the resource, so dependants wait for it). */
  readonly bucketName: string;
  /** Bucket ARN, `arn:aws:s3:::<name>`. */
  readonly arn: string;
  /** The customer key objects are encrypted with; unset for SSE-S3 (log) buckets. */
  readonly encryptionKey?: KmsKey;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    validate(id, props);
    this.encryptionKey = props.kmsKey;
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: dataLifecycle(props.protection),
    });
    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;
    const bucket = this.bucket.id;

    const pab = new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [
        props.kmsKey
          ? {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: props.kmsKey.arn,
              },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    const versioned = props.versioned ?? true;
    new S3BucketVersioningA(this, "versioning", {
      bucket,
      versioningConfiguration: { status: versioned ? "Enabled" : "Suspended" },
    });
    if (props.accessLogsBucket) {
      new S3BucketLoggingA(this, "logging", {
        bucket,
        targetBucket: props.accessLogsBucket.bucket.id,
        targetPrefix: `${props.bucketName}/`,
      });
    }

    const statements: PolicyStatement[] = [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [this.arn, `${this.arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [this.arn, `${this.arn}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
    ];
    if (props.receivesAccessLogs) {
      statements.push({
        Sid: "AllowServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${this.arn}/*`,
        Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
      });
    }
    statements.push(...(props.extraPolicyStatements ?? []));
    new S3BucketPolicy(this, "policy", { bucket, policy: policyDocument(statements), dependsOn: [pab] });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{}],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: props.abortIncompleteMultipartDays ?? 7 }],
      },
      {
        id: "expire-noncurrent-versions",
        status: versioned ? "Enabled" : "Disabled",
        filter: [{}],
        noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpiryDays ?? 90 }],
      },
    ];
    for (const e of props.prefixExpirations ?? []) {
      rules.push({
        id: `expire-${e.prefix.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "")}`,
        status: "Enabled",
        filter: [{ prefix: e.prefix }],
        expiration: [{ days: e.days }],
        noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
      });
    }
    if (props.transitions && props.transitions.length > 0) {
      rules.push({
        id: "transition-current-versions",
        status: "Enabled",
        filter: [{}],
        transition: props.transitions.map((t) => ({ days: t.days, storageClass: t.storageClass })),
      });
    }
    if (props.expirationDays !== undefined) {
      rules.push({
        id: "expire-current-versions",
        status: "Enabled",
        filter: [{}],
        expiration: [{ days: props.expirationDays }],
      });
    }
    new S3BucketLifecycleConfiguration(this, "lifecycle", { bucket, rule: rules });
  }

  private objectsArn(prefix?: string): string {
    return prefix ? `${this.arn}/${prefix.replace(/\/?$/, "/")}*` : `${this.arn}/*`;
  }

  private listStatement(prefix?: string): PolicyStatement {
    return {
      Effect: "Allow",
      Action: [...BUCKET_LIST],
      Resource: this.arn,
      ...(prefix ? { Condition: { StringLike: { "s3:prefix": [`${prefix.replace(/\/?$/, "/")}*`] } } } : {}),
    };
  }

  /** Read objects (under `prefix`), and decrypt with the bucket's key. */
  grantRead(grantee: IGrantable, prefix?: string): void {
    grantee.addToPolicy(this.listStatement(prefix), {
      Effect: "Allow",
      Action: [...BUCKET_READ_OBJECT],
      Resource: this.objectsArn(prefix),
    });
    this.encryptionKey?.grantDecrypt(grantee);
  }

  /** Read, write and delete objects (under `prefix`), and use the bucket's key. */
  grantReadWrite(grantee: IGrantable, prefix?: string): void {
    grantee.addToPolicy(this.listStatement(prefix), {
      Effect: "Allow",
      Action: [...BUCKET_READ_OBJECT, ...BUCKET_WRITE_OBJECT, ...BUCKET_DELETE_OBJECT],
      Resource: this.objectsArn(prefix),
    });
    this.encryptionKey?.grantEncryptDecrypt(grantee);
  }

  /** Write objects only (under `prefix`), e.g. for log delivery. */
  grantPut(grantee: IGrantable, prefix?: string): void {
    grantee.addToPolicy({
      Effect: "Allow",
      Action: [...BUCKET_PUT_OBJECT],
      Resource: this.objectsArn(prefix),
    });
    this.encryptionKey?.grantEncryptDecrypt(grantee);
  }
}

function validate(id: string, props: SecureBucketProps): void {
  const v = new PropsValidator("SecureBucket", id);
  v.check("bucketName", props.bucketName, bucketNameProblem);
  v.matches("accountId", props.accountId, /^\d{12}$/, "a 12-digit AWS account id");
  if (props.receivesAccessLogs && props.kmsKey)
    v.conflict("kmsKey must be unset when receivesAccessLogs is true (log delivery needs SSE-S3)");
  if (props.forceDestroy && !protectionOf(props.protection).allowForceDestroyData)
    v.fail("forceDestroy", `must be false when protection is "${props.protection ?? "standard"}"`, true);
  v.range("noncurrentVersionExpiryDays", props.noncurrentVersionExpiryDays, { min: 1 });
  v.range("expirationDays", props.expirationDays, { min: 1 });
  v.range("abortIncompleteMultipartDays", props.abortIncompleteMultipartDays, { min: 1 });
  (props.prefixExpirations ?? []).forEach((e, i) => {
    v.range(`prefixExpirations[${i}].days`, e.days, { min: 1 });
    v.matches(`prefixExpirations[${i}].prefix`, e.prefix, /^[^/].*\/$/, "a key prefix ending in '/'");
  });
  (props.transitions ?? []).forEach((t, i) => {
    v.range(`transitions[${i}].days`, t.days, { min: MIN_TRANSITION_DAYS[t.storageClass] ?? 0 });
  });
  v.throwIfInvalid();
}
