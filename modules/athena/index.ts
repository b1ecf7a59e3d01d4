/**
 * Athena workgroup: engine v3, settings enforced on every query, results in the results bucket
 * (under `results/`) with SSE-KMS, a per-query bytes-scanned cutoff, CloudWatch metrics on.
 * The workgroup (saved queries, history) is deleted with the stack unless `protection` is
 * `strict` (lib/protection.ts).
 *
 * Grants cover the workgroup, the results objects and both keys (the bucket's and the key the
 * results are encrypted with, when they differ). Tables are granted by the catalog.
 */
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";
import { type Protection, protectionOf } from "../../lib/protection";
import type { IGrantable } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import type { SecureBucket } from "../secure-bucket";
import { ATHENA_READ_RESULTS, ATHENA_RUN_QUERIES } from "./perms";

/** Athena's smallest per-query data usage control, bytes (10 MB). */
export const MIN_BYTES_SCANNED_CUTOFF = 10_485_760;
/** Key prefix of the query results in the results bucket. */
export const RESULTS_PREFIX = "results";

export interface AthenaProps {
  /** Workgroup name (1-128 letters, digits, `.`, `_`, `-`). */
  readonly name: string;
  /** Bucket the results are written to (under `results/`). */
  readonly resultsBucket: SecureBucket;
  /** Key the results are encrypted with (SSE-KMS). @default - the results bucket's key */
  readonly key?: KmsKey;
  /** Per-query scan cutoff in bytes (at least 10 MB, Athena's minimum). */
  readonly bytesScannedCutoffPerQuery: number;
  /** Protection level of the environment: `strict` keeps the workgroup on destroy. @default "standard" */
  readonly protection?: Protection;
}

export class Athena extends Construct {
  /** The `aws_athena_workgroup` resource. */
  readonly workgroup: AthenaWorkgroup;
  /** Workgroup name (a reference). */
  readonly workgroupName: string;
  /** `arn:aws:athena:<region>:<account>:workgroup/<name>` */
  readonly workgroupArn: string;
  /** `s3://<results bucket>/results/` */
  readonly outputLocation: string;
  private readonly resultsBucket: SecureBucket;
  private readonly resultsKey: KmsKey;

  constructor(scope: Construct, id: string, props: AthenaProps) {
    super(scope, id);
    const v = new PropsValidator("Athena", id);
    v.matches("name", props.name, /^[A-Za-z0-9._-]{1,128}$/, "1-128 letters, digits, '.', '_' or '-'");
    v.range("bytesScannedCutoffPerQuery", props.bytesScannedCutoffPerQuery, {
      min: MIN_BYTES_SCANNED_CUTOFF,
    });
    const key = props.key ?? props.resultsBucket.encryptionKey;
    if (!key)
      v.conflict("key must be set when resultsBucket has no KMS key (results are written with SSE-KMS)");
    v.throwIfInvalid();

    this.resultsBucket = props.resultsBucket;
    this.resultsKey = key as KmsKey;
    this.outputLocation = `s3://${props.resultsBucket.bucketName}/${RESULTS_PREFIX}/`;
    this.workgroup = new AthenaWorkgroup(this, "workgroup", {
      name: props.name,
      description: "Data platform queries (settings enforced)",
      state: "ENABLED",
      forceDestroy: protectionOf(props.protection).athenaForceDestroy,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: this.outputLocation,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: this.resultsKey.arn },
          aclConfiguration: { s3AclOption: "BUCKET_OWNER_FULL_CONTROL" },
        },
      },
    });
    this.workgroupName = this.workgroup.name;
    this.workgroupArn = this.workgroup.arn;
  }

  /** Run queries in this workgroup and write their results (with the results keys). */
  grantRunQueries(grantee: IGrantable): void {
    grantee.addToPolicy({ Effect: "Allow", Action: [...ATHENA_RUN_QUERIES], Resource: this.workgroupArn });
    this.resultsBucket.grantReadWrite(grantee, RESULTS_PREFIX);
    if (this.resultsKey !== this.resultsBucket.encryptionKey) this.resultsKey.grantEncryptDecrypt(grantee);
  }

  /** Read the status and results of queries run in this workgroup (and decrypt them). */
  grantReadResults(grantee: IGrantable): void {
    grantee.addToPolicy({ Effect: "Allow", Action: [...ATHENA_READ_RESULTS], Resource: this.workgroupArn });
    this.resultsBucket.grantRead(grantee, RESULTS_PREFIX);
    if (this.resultsKey !== this.resultsBucket.encryptionKey) this.resultsKey.grantDecrypt(grantee);
  }
}
