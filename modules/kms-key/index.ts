/**
 * A customer managed KMS key with rotation on and an explicit key policy (CKV2_AWS_64): the
 * account administers it through IAM; named AWS services may use it, scoped to this account.
 * With `protection: "strict"` the key carries `prevent_destroy` (a plan that would schedule its
 * deletion fails: everything it encrypts would become unreadable after the deletion window).
 */
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as AwsKmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";
import { dataLifecycle, type Protection } from "../../lib/protection";
import { type PolicyStatement, policyDocument } from "../iam/policy";
import type { IGrantable } from "../iam/service-role";
import { KMS_DECRYPT, KMS_ENCRYPT_DECRYPT, KMS_SERVICE_USE } from "./perms";

/** Service principals a key can admit, short names (`logs` -> `logs.<region>.amazonaws.com`). */
export type KeyService = "logs" | "sns" | "cloudwatch" | "events" | "s3" | "sqs" | "delivery.logs";

export interface KmsKeyProps {
  /** Alias without the `alias/` prefix (letters, digits, `/_-`; not `aws/...`). */
  readonly alias: string;
  /** Key description shown in the console. */
  readonly description: string;
  /** Account that owns the key and administers it through IAM. */
  readonly accountId: string;
  /** Region of the key (names the CloudWatch Logs service principal). */
  readonly region: string;
  /** Service principals allowed to use the key for this account. @default [] - IAM principals only */
  readonly services?: readonly KeyService[];
  /** More key policy statements (e.g. denies, cross-account use by CI roles). @default [] */
  readonly extraStatements?: readonly PolicyStatement[];
  /** Days before a key scheduled for deletion is gone (KMS allows 7-30). @default 30 */
  readonly deletionWindowInDays?: number;
  /** Protection level of the environment: `strict` adds `prevent_destroy`. @default "standard" */
  readonly protection?: Protection;
}

export class KmsKey extends Construct {
  /** The `aws_kms_key` resource. */
  readonly key: AwsKmsKey;
  /** Key ARN, `arn:aws:kms:<region>:<account>:key/<uuid>`. */
  readonly arn: string;
  /** Key id (the UUID). */
  readonly keyId: string;
  /** Alias with its prefix, `alias/<alias>`. */
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const v = new PropsValidator("KmsKey", id);
    v.matches("alias", props.alias, /^[A-Za-z0-9/_-]{1,250}$/, "1-250 letters, digits, '/', '_' or '-'");
    v.check("alias", props.alias, (a) =>
      /^aws\//i.test(a) ? `"${a}" starts with "aws/" (reserved for AWS managed keys)` : undefined,
    );
    v.range("deletionWindowInDays", props.deletionWindowInDays, { min: 7, max: 30 });
    v.throwIfInvalid();

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
        Action: [...KMS_SERVICE_USE],
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
      lifecycle: dataLifecycle(props.protection),
    });
    this.aliasName = `alias/${props.alias}`;
    new KmsAlias(this, "alias", { name: this.aliasName, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
    this.keyId = this.key.keyId;
  }

  /** Let `grantee` encrypt and decrypt (generate data keys) with this key. */
  grantEncryptDecrypt(grantee: IGrantable): void {
    grantee.addToPolicy({ Effect: "Allow", Action: [...KMS_ENCRYPT_DECRYPT], Resource: this.arn });
  }

  /** Let `grantee` decrypt with this key. */
  grantDecrypt(grantee: IGrantable): void {
    grantee.addToPolicy({ Effect: "Allow", Action: [...KMS_DECRYPT], Resource: this.arn });
  }
}
