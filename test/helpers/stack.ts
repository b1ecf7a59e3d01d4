/** A bare AWS stack for module synth tests, and helpers to read the synthesized JSON. */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { ServiceRole } from "../../modules/iam/service-role";
import { KmsKey } from "../../modules/kms-key";

export const ACCOUNT = "111111111111";
export const REGION = "ap-northeast-1";

export function awsTestStack() {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: REGION });
  const key = new KmsKey(stack, "key", {
    alias: "test",
    description: "test",
    accountId: ACCOUNT,
    region: REGION,
    services: ["logs"],
  });
  return { stack, key };
}

export const PROJECT = "dp-test-project";

/** A bare GCP stack for module synth tests. */
export function gcpTestStack() {
  const stack = new TerraformStack(Testing.app(), "test");
  new GoogleProvider(stack, "google", { project: PROJECT, region: "asia-northeast1" });
  return { stack };
}

export interface Synthesized {
  text: string;
  json: any;
  /** Every resource of a type, keyed by logical id. */
  of(type: string): Record<string, any>;
  /** The only resource of a type whose logical id contains `idPart`. */
  one(type: string, idPart?: string): any;
}

export function synthesize(stack: TerraformStack): Synthesized {
  const text = Testing.synth(stack);
  const json = JSON.parse(text);
  const of = (type: string) => (json.resource?.[type] ?? {}) as Record<string, any>;
  return {
    text,
    json,
    of,
    one(type, idPart = "") {
      const matches = Object.entries(of(type)).filter(([k]) => k.includes(idPart));
      if (matches.length !== 1)
        throw new Error(
          `expected one ${type} matching "${idPart}", found ${matches.map(([k]) => k).join(", ") || "none"}`,
        );
      return matches[0][1];
    },
  };
}

/** Statements of an IAM policy JSON string. */
export const statements = (policy: string): any[] => JSON.parse(policy).Statement;

/** A role to grant to in grant tests (`id` also names its inline policy resource). */
export const testRole = (stack: TerraformStack, id: string, service = "lambda.amazonaws.com") =>
  new ServiceRole(stack, id, { name: id, service, accountId: ACCOUNT });

/** Statements of the inline policy of the role whose logical id contains `roleId`. */
export const rolePolicy = (s: Synthesized, roleId: string): any[] =>
  statements(s.one("aws_iam_role_policy", roleId).policy);

/** Every action of some statements, flattened. */
export const actionsOf = (sts: any[]): string[] => sts.flatMap((x) => [x.Action].flat());
