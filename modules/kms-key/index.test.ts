import {
  ACCOUNT,
  awsTestStack,
  REGION,
  rolePolicy,
  statements,
  synthesize,
  testRole,
} from "../../test/helpers/stack";
import { KmsKey } from ".";

function key(extra: Partial<ConstructorParameters<typeof KmsKey>[2]> = {}) {
  const { stack } = awsTestStack();
  const k = new KmsKey(stack, "k", {
    alias: "dp-dev-data",
    description: "data",
    accountId: ACCOUNT,
    region: REGION,
    services: ["logs", "sns"],
    ...extra,
  });
  return { stack, k };
}

describe("KmsKey", () => {
  it("rotates, waits 30 days before deletion, and admits services only for this account", () => {
    const { stack } = key();
    const s = synthesize(stack);
    const k = s.one("aws_kms_key", "k_key");
    expect(k).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(k.lifecycle).toBeUndefined();
    const policy = statements(k.policy);
    expect(policy.find((st) => st.Sid === "Servicelogs")).toMatchObject({
      Principal: { Service: `logs.${REGION}.amazonaws.com` },
      Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:*` } },
    });
    expect(policy.find((st) => st.Sid === "Servicesns")).toMatchObject({
      Principal: { Service: "sns.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
    });
    expect(s.one("aws_kms_alias", "k_alias").name).toBe("alias/dp-dev-data");
  });

  it("carries prevent_destroy under strict protection only", () => {
    expect(synthesize(key({ protection: "strict" }).stack).one("aws_kms_key", "k_key").lifecycle).toEqual({
      prevent_destroy: true,
    });
    expect(
      synthesize(key({ protection: "none" }).stack).one("aws_kms_key", "k_key").lifecycle,
    ).toBeUndefined();
  });

  it("grants decrypt, or encrypt and decrypt, on this key only", () => {
    const { stack, k } = key();
    const reader = testRole(stack, "reader");
    const writer = testRole(stack, "writer");
    k.grantDecrypt(reader);
    k.grantEncryptDecrypt(writer);
    const s = synthesize(stack);
    const [read] = rolePolicy(s, "reader");
    expect(read).toEqual({
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: expect.stringMatching(/^\$\{aws_kms_key\.k_key_\w+\.arn\}$/),
    });
    const [write] = rolePolicy(s, "writer");
    expect(write.Action).toEqual(expect.arrayContaining(["kms:Encrypt", "kms:GenerateDataKey*"]));
    expect(write.Resource).toBe(read.Resource);
  });

  it("refuses a reserved alias and a deletion window KMS does not allow, in one error", () => {
    expect(() => key({ alias: "aws/s3", deletionWindowInDays: 3 })).toThrow(
      'KmsKey k: alias "aws/s3" starts with "aws/" (reserved for AWS managed keys); deletionWindowInDays must be an integer from 7 to 30 (got 3)',
    );
    expect(() => key({ alias: "has space" })).toThrow(/alias must be 1-250 letters.*\(got "has space"\)/);
  });
});
