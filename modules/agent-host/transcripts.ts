/**
 * Session Manager transcripts: a dedicated bucket and key that the audited host can only add to.
 * - its own rotating KMS key (also encrypting the session log group), so no other grant on the
 *   platform key reaches transcripts;
 * - versioned: an overwrite keeps the earlier version; the host may not delete objects or
 *   versions, read transcripts back, or change the bucket (bucket policy denies, whatever IAM
 *   policy the host role is given later);
 * - transcripts and superseded versions expire after the retention, never before.
 */
import { Construct } from "constructs";
import type { Protection } from "../../lib/protection";
import type { PolicyStatement } from "../iam/policy";
import type { IGrantable } from "../iam/service-role";
import { KmsKey } from "../kms-key";
import { SecureBucket } from "../secure-bucket";
import { BUCKET_ENCRYPTION_CHECK } from "./perms";

export const TRANSCRIPT_PREFIX = "ssm-sessions";

/** What the host may never do to its own transcripts. */
export const HOST_DENIED_ON_TRANSCRIPTS = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:DeleteObjectTagging",
  "s3:PutObjectAcl",
  "s3:PutObjectVersionAcl",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:BypassGovernanceRetention",
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:PutBucket*",
  "s3:DeleteBucket*",
  "s3:PutLifecycleConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:PutReplicationConfiguration",
] as const;

export interface SessionTranscriptsProps {
  /** Name of the transcripts bucket. */
  readonly bucketName: string;
  /** Account of the bucket and key (12 digits). */
  readonly accountId: string;
  /** Region of the key (names the CloudWatch Logs principal). */
  readonly region: string;
  /** Key alias without `alias/`. */
  readonly keyAlias: string;
  /** ARN of the host role that writes transcripts (denied everything but adding). */
  readonly hostRoleArn: string;
  /** Days transcripts are kept. @default 365 */
  readonly retentionDays?: number;
  /** Where the bucket's server access logs go. @default - none */
  readonly accessLogsBucket?: SecureBucket;
  /** Protection level of the environment: `strict` adds `prevent_destroy` to bucket and key. @default "standard" */
  readonly protection?: Protection;
}

export class SessionTranscripts extends Construct {
  /** The transcripts bucket (transcripts under `ssm-sessions/`). */
  readonly bucket: SecureBucket;
  /** The transcripts key (bucket and session log group). */
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: SessionTranscriptsProps) {
    super(scope, id);
    const retention = props.retentionDays ?? 365;
    this.key = new KmsKey(this, "key", {
      alias: props.keyAlias,
      description: "Encrypts Session Manager transcripts (S3 and CloudWatch Logs)",
      accountId: props.accountId,
      region: props.region,
      services: ["logs"],
      protection: props.protection,
    });
    const arn = `arn:aws:s3:::${props.bucketName}`;
    const denies: PolicyStatement[] = [
      {
        Sid: "HostOnlyAdds",
        Effect: "Deny",
        Principal: "*",
        Action: [...HOST_DENIED_ON_TRANSCRIPTS],
        Resource: [arn, `${arn}/*`],
        Condition: { ArnEquals: { "aws:PrincipalArn": props.hostRoleArn } },
      },
      {
        Sid: "HostWritesOnlyTranscripts",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        NotResource: `${arn}/${TRANSCRIPT_PREFIX}/*`,
        Condition: { ArnEquals: { "aws:PrincipalArn": props.hostRoleArn } },
      },
    ];
    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucketName,
      kmsKey: this.key,
      accountId: props.accountId,
      accessLogsBucket: props.accessLogsBucket,
      versioned: true,
      expirationDays: retention,
      noncurrentVersionExpiryDays: retention,
      extraPolicyStatements: denies,
      protection: props.protection,
    });
  }

  /** Let the host add transcripts (and check the bucket's encryption, as the SSM agent does). */
  grantAdd(host: IGrantable): void {
    this.bucket.grantPut(host, TRANSCRIPT_PREFIX);
    host.addToPolicy({
      Effect: "Allow",
      Action: [...BUCKET_ENCRYPTION_CHECK],
      Resource: this.bucket.arn,
    });
  }
}
