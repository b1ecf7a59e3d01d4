import {
  ACCOUNT,
  actionsOf,
  awsTestStack,
  REGION,
  rolePolicy,
  statements,
  synthesize,
  testRole,
} from "../../test/helpers/stack";
import { StateStore, type StateStoreProps } from ".";

function store(extra: Partial<StateStoreProps> = {}) {
  const { stack } = awsTestStack();
  const s = new StateStore(stack, "state", {
    bucketName: `dp-tfstate-${ACCOUNT}`,
    accountId: ACCOUNT,
    region: REGION,
    prefix: "dp",
    keyAlias: "dp-prod-tfstate",
    lockTableName: "dp-prod-tfstate-lock",
    ...extra,
  });
  return { stack, store: s };
}

describe("StateStore", () => {
  it("denies other accounts and CI changes in the bucket policy and plan encryption in the key policy", () => {
    const s = synthesize(store().stack);
    const bucketPolicy = statements(s.one("aws_s3_bucket_policy", "state_bucket").policy);
    expect(bucketPolicy.map((st) => st.Sid)).toEqual(
      expect.arrayContaining([
        "DenyInsecureTransport",
        "DenyOtherAccounts",
        "DenyCiBucketChanges",
        "DenyPlanWrites",
      ]),
    );
    const keyPolicy = statements(s.one("aws_kms_key", "state_key").policy);
    expect(keyPolicy.find((st) => st.Sid === "DenyPlanEncrypt")).toMatchObject({
      Effect: "Deny",
      Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/dp-*-ci-plan` } },
    });
  });

  it("puts prevent_destroy on the bucket, key and lock table under strict protection only", () => {
    const strict = synthesize(store({ protection: "strict" }).stack);
    expect(strict.one("aws_s3_bucket", "state_bucket").lifecycle).toEqual({ prevent_destroy: true });
    expect(strict.one("aws_kms_key", "state_key").lifecycle).toEqual({ prevent_destroy: true });
    expect(strict.one("aws_dynamodb_table", "state_lock").lifecycle).toEqual({ prevent_destroy: true });
    const standard = synthesize(store().stack);
    expect(standard.one("aws_s3_bucket", "state_bucket").lifecycle).toBeUndefined();
    expect(standard.one("aws_dynamodb_table", "state_lock").deletion_protection_enabled).toBe(true);
  });

  it("grants a plan role read of its environment's states only, an apply role read-write and the lock", () => {
    const { stack, store: st } = store();
    const plan = testRole(stack, "plan");
    const apply = testRole(stack, "apply");
    st.grantReadState(plan, "prod");
    st.grantReadWriteState(apply, "prod");
    const s = synthesize(stack);
    const read = rolePolicy(s, "plan");
    const readActions = actionsOf(read);
    expect(readActions).toContain("s3:GetObject");
    expect(readActions).not.toContain("s3:PutObject");
    expect(readActions).not.toContain("kms:Encrypt");
    expect(read.find((x) => [x.Action].flat().includes("s3:GetObject")).Resource).toBe(
      `arn:aws:s3:::dp-tfstate-${ACCOUNT}/prod/*`,
    );
    expect(read.find((x) => x.Sid === "StateKey")?.Condition).toEqual({
      "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/dp-prod-tfstate" },
    });
    const write = rolePolicy(s, "apply").flatMap((x) => [x.Action].flat());
    expect(write).toEqual(expect.arrayContaining(["s3:PutObject", "kms:Encrypt", "dynamodb:PutItem"]));
  });

  it("refuses a bad prefix and lock table name in one error", () => {
    expect(() => store({ prefix: "DP", lockTableName: "x" })).toThrow(
      `StateStore state: prefix must be lowercase letters, digits and '-' (got "DP"); lockTableName must be 3-255 letters, digits, '_', '-' or '.' (got "x")`,
    );
  });
});
