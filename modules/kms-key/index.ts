/**
 * A customer managed KMS key with rotation on and an explicit key policy (CKV2_AWS_64): the
 * account administers it through IAM; named AWS services may use it, scoped to this account.
 */
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as AwsKmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument } from "../iam/policy";
import type { IGrantable } from "../iam/service-role";
import { KMS_DECRYPT, KMS_ENCRYPT_DECRYPT } from "./perms";

export interface KmsKeyProps {
  /** Alias without the `alias/` prefix. */
  readonly alias: string;
  readonly description: string;
  readonly accountId: string;
  readonly region: string;
  /** Service principals allowed to use the key for this account, e.g. `logs` -> logs.<region>.amazonaws.com. @default [] */
  readonly services?: Array<"logs" | "sns" | "cloudwatch" | "events" | "s3" | "sqs" | "delivery.logs">;
  /** More key policy statements (e.g. cross-account use by CI roles). @default [] */
  readonly extraStatements?: PolicyStatement[];
  /** Days before a deleted key is gone. @default 30 */
  readonly deletionWindowInDays?: number;
}

export class KmsKey extends Construct {
  readonly key: AwsKmsKey;
  readonly arn: string;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const statements: PolicyStatement[] = [
      {
        Sid: "AccountAdministersThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ];
    for (const svc of props.services ?? []) {
      const principal = svc === "logs" ? `logs.${props.region}.amazonaws.com` : `${svc}.amazonaws.com`;
      statements.push({
        Sid: `Service${svc.replace(/[^a-z]/g, "")}`,
        Effect: "Allow",
        Principal: { Service: principal },
        Action: [...KMS_ENCRYPT_DECRYPT, "kms:DescribeKey"],
        Resource: "*",
        Condition:
          svc === "logs"
            ? {
                ArnLike: {
                  "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${props.region}:${props.accountId}:*`,
                },
              }
            : { StringEquals: { "aws:SourceAccount": props.accountId } },
      });
    }
    statements.push(...(props.extraStatements ?? []));
    this.key = new AwsKmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: policyDocument(statements),
    });
    this.aliasName = `alias/${props.alias}`;
    new KmsAlias(this, "alias", { name: this.aliasName, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }

  /** Let `grantee` encrypt and decrypt with this key. */
  grantEncryptDecrypt(grantee: IGrantable): void {
    grantee.addToPolicy({ Effect: "Allow", Action: [...KMS_ENCRYPT_DECRYPT], Resource: this.arn });
  }

  /** Let `grantee` decrypt with this key. */
  grantDecrypt(grantee: IGrantable): void {
    grantee.addToPolicy({ Effect: "Allow", Action: [...KMS_DECRYPT], Resource: this.arn });
  }
}
