/**
 * The data lake buckets: raw, curated, athena-results (SSE-KMS with the platform key), access-logs
 * (SSE-S3: server access log delivery requires it) and optionally iics-staging. Every bucket gets
 * the SecureBucket defaults and logs to the access-log bucket under its own prefix.
 */
import { Construct } from "constructs";
import type { KmsKey } from "../kms-key";
import { SecureBucket } from "../secure-bucket";

export interface DataLakeProps {
  /** Builds a bucket name from a suffix (`<prefix>-<env>-<account>-<suffix>`). */
  readonly bucketName: (suffix: string) => string;
  readonly accountId: string;
  readonly key: KmsKey;
  /** Days before raw objects move to STANDARD_IA. @default 90 */
  readonly rawTransitionDays?: number;
  /** Days before raw objects move to GLACIER_IR. @default 365 */
  readonly rawArchiveDays?: number;
  /** @default 90 */
  readonly noncurrentVersionExpiryDays?: number;
  /** Days query results are kept. @default 30 */
  readonly athenaResultsExpiryDays?: number;
  /** Create the iics-staging bucket. @default false */
  readonly iicsStaging?: boolean;
  /** Delete objects with the buckets (never in prod: refused by config). @default false */
  readonly forceDestroy?: boolean;
}

export class DataLake extends Construct {
  readonly accessLogs: SecureBucket;
  readonly raw: SecureBucket;
  readonly curated: SecureBucket;
  readonly athenaResults: SecureBucket;
  readonly iicsStaging?: SecureBucket;

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    const forceDestroy = props.forceDestroy ?? false;
    const noncurrentVersionExpiryDays = props.noncurrentVersionExpiryDays ?? 90;
    this.accessLogs = new SecureBucket(this, "access-logs", {
      bucketName: props.bucketName("access-logs"),
      accountId: props.accountId,
      receivesAccessLogs: true,
      expirationDays: 365,
      noncurrentVersionExpiryDays,
      forceDestroy,
    });
    const data = (suffix: string, extra: Partial<ConstructorParameters<typeof SecureBucket>[2]> = {}) =>
      new SecureBucket(this, suffix, {
        bucketName: props.bucketName(suffix),
        accountId: props.accountId,
        kmsKey: props.key,
        accessLogsBucket: this.accessLogs,
        noncurrentVersionExpiryDays,
        forceDestroy,
        ...extra,
      });
    this.raw = data("raw", {
      // Ingestion stages under _staging/ and deletes what it staged; files of a killed run expire here.
      abortIncompleteMultipartDays: 1,
      prefixExpirations: [{ prefix: "_staging/", days: 2 }],
      transitions: [
        { days: props.rawTransitionDays ?? 90, storageClass: "STANDARD_IA" },
        { days: props.rawArchiveDays ?? 365, storageClass: "GLACIER_IR" },
      ],
    });
    this.curated = data("curated");
    this.athenaResults = data("athena-results", { expirationDays: props.athenaResultsExpiryDays ?? 30 });
    if (props.iicsStaging) this.iicsStaging = data("iics-staging", { expirationDays: 30 });
  }
}
