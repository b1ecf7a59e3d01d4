/**
 * Athena workgroup: engine v3, settings enforced on every query, results in the results bucket
 * with SSE-KMS, a per-query bytes-scanned cutoff, CloudWatch metrics on.
 */
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { Construct } from "constructs";
import type { IGrantable } from "../iam/service-role";
import type { KmsKey } from "../kms-key";
import type { SecureBucket } from "../secure-bucket";

export interface AthenaProps {
  readonly name: string;
  readonly resultsBucket: SecureBucket;
  readonly key: KmsKey;
  /** Per-query scan cutoff in bytes (>= 10 MB). */
  readonly bytesScannedCutoffPerQuery: number;
  /** Delete saved queries with the workgroup. @default false */
  readonly forceDestroy?: boolean;
}

export class Athena extends Construct {
  readonly workgroup: AthenaWorkgroup;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AthenaProps,
  ) {
    super(scope, id);
    if (props.bytesScannedCutoffPerQuery < 10_485_760) {
      throw new Error(
        `Athena ${id}: bytesScannedCutoffPerQuery must be >= 10485760 (got ${props.bytesScannedCutoffPerQuery})`,
      );
    }
    this.workgroup = new AthenaWorkgroup(this, "workgroup", {
      name: props.name,
      description: "Data platform queries (settings enforced)",
      state: "ENABLED",
      forceDestroy: props.forceDestroy ?? false,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: props.key.arn },
          aclConfiguration: { s3AclOption: "BUCKET_OWNER_FULL_CONTROL" },
        },
      },
    });
  }

  /** Run queries in this workgroup and write their results. */
  grantRunQueries(grantee: IGrantable): void {
    grantee.addToPolicy({
      Effect: "Allow",
      Action: [
        "athena:StartQueryExecution",
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:StopQueryExecution",
        "athena:GetWorkGroup",
      ],
      Resource: this.workgroup.arn,
    });
    this.props.resultsBucket.grantReadWrite(grantee, "results");
  }
}
