/**
 * The data lake buckets: raw, curated, athena-results (SSE-KMS with the platform key), access-logs
 * (SSE-S3: server access log delivery requires it) and optionally iics-staging. Every bucket gets
 * the SecureBucket defaults and logs to the access-log bucket under its own prefix.
 *
 * | bucket         | lifecycle                                                              |
 * |----------------|------------------------------------------------------------------------|
 * | raw            | STANDARD_IA after `rawTransitionDays`, GLACIER_IR after `rawArchiveDays`; `_staging/` expires after 2 days |
 * | curated        | noncurrent versions expire                                             |
 * | athena-results | objects expire after `athenaResultsExpiryDays`                         |
 * | iics-staging   | objects expire after 30 days                                           |
 * | access-logs    | objects expire after 365 days                                          |
 *
 * Grants go through the buckets (`lake.raw.grantRead(role, prefix)`): each also grants the key.
 */
import { Construct } from "constructs";
import { isUnresolved, PropsValidator } from "../../lib/props";
import type { Protection } from "../../lib/protection";
import type { KmsKey } from "../kms-key";
import { SecureBucket, type SecureBucketProps } from "../secure-bucket";
import { DATA_LAKE_DEFAULTS } from "./defaults";

export interface DataLakeProps {
  /** Builds a bucket name from a suffix (`<prefix>-<env>-<account>-<suffix>`). */
  readonly bucketName: (suffix: string) => string;
  /** Account that owns the buckets (12 digits). */
  readonly accountId: string;
  /** Customer key of the data buckets (SSE-KMS). */
  readonly key: KmsKey;
  /** Days before raw objects move to STANDARD_IA (S3 minimum 30). @default 90 */
  readonly rawTransitionDays?: number;
  /** Days before raw objects move to GLACIER_IR (after `rawTransitionDays`). @default 365 */
  readonly rawArchiveDays?: number;
  /** Days a noncurrent object version is kept. @default 90 */
  readonly noncurrentVersionExpiryDays?: number;
  /** Days query results are kept. @default 30 */
  readonly athenaResultsExpiryDays?: number;
  /** Create the iics-staging bucket. @default false */
  readonly iicsStaging?: boolean;
  /** Delete objects with the buckets (needs `protection: "none"`). @default false */
  readonly forceDestroy?: boolean;
  /** Protection level of the environment (see lib/protection.ts). @default "standard" */
  readonly protection?: Protection;
}

export class DataLake extends Construct {
  /** Receives the server access logs of every other bucket (SSE-S3). */
  readonly accessLogs: SecureBucket;
  /** Raw data as ingested (`<source prefix>/dt=YYYY-MM-DD/`). */
  readonly raw: SecureBucket;
  /** Curated tables (Iceberg), one prefix per table. */
  readonly curated: SecureBucket;
  /** Athena query results (under `results/`). */
  readonly athenaResults: SecureBucket;
  /** Files exchanged with IICS; only when `iicsStaging` is on. */
  readonly iicsStaging?: SecureBucket;

  constructor(scope: Construct, id: string, props: DataLakeProps) {
    super(scope, id);
    const rawTransitionDays = props.rawTransitionDays ?? DATA_LAKE_DEFAULTS.rawTransitionDays;
    const rawArchiveDays = props.rawArchiveDays ?? DATA_LAKE_DEFAULTS.rawArchiveDays;
    const v = new PropsValidator("DataLake", id);
    v.range("rawTransitionDays", props.rawTransitionDays, { min: 30 });
    v.range("rawArchiveDays", props.rawArchiveDays, { min: 1 });
    if (!isUnresolved(rawTransitionDays) && rawArchiveDays <= rawTransitionDays)
      v.fail(
        "rawArchiveDays",
        `must be greater than rawTransitionDays (${rawTransitionDays})`,
        rawArchiveDays,
      );
    v.range("athenaResultsExpiryDays", props.athenaResultsExpiryDays, { min: 1 });
    v.throwIfInvalid();

    const common = {
      accountId: props.accountId,
      noncurrentVersionExpiryDays:
        props.noncurrentVersionExpiryDays ?? DATA_LAKE_DEFAULTS.noncurrentVersionExpiryDays,
      forceDestroy: props.forceDestroy ?? DATA_LAKE_DEFAULTS.forceDestroy,
      protection: props.protection,
    };
    this.accessLogs = new SecureBucket(this, "access-logs", {
      ...common,
      bucketName: props.bucketName("access-logs"),
      receivesAccessLogs: true,
      expirationDays: 365,
    });
    const data = (suffix: string, extra: Partial<SecureBucketProps> = {}) =>
      new SecureBucket(this, suffix, {
        ...common,
        bucketName: props.bucketName(suffix),
        kmsKey: props.key,
        accessLogsBucket: this.accessLogs,
        ...extra,
      });
    this.raw = data("raw", {
      // Ingestion stages under _staging/ and deletes what it staged; files of a killed run expire here.
      abortIncompleteMultipartDays: 1,
      prefixExpirations: [{ prefix: "_staging/", days: 2 }],
      transitions: [
        { days: rawTransitionDays, storageClass: "STANDARD_IA" },
        { days: rawArchiveDays, storageClass: "GLACIER_IR" },
      ],
    });
    this.curated = data("curated");
    this.athenaResults = data("athena-results", {
      expirationDays: props.athenaResultsExpiryDays ?? DATA_LAKE_DEFAULTS.athenaResultsExpiryDays,
    });
    if (props.iicsStaging ?? DATA_LAKE_DEFAULTS.iicsStaging)
      this.iicsStaging = data("iics-staging", { expirationDays: 30 });
  }

  /** Every bucket of the lake, the access-log bucket included. */
  get buckets(): SecureBucket[] {
    return [
      this.raw,
      this.curated,
      this.athenaResults,
      this.accessLogs,
      ...(this.iicsStaging ? [this.iicsStaging] : []),
    ];
  }
}
