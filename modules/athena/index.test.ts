import {
  ACCOUNT,
  actionsOf,
  awsTestStack,
  REGION,
  rolePolicy,
  synthesize,
  testRole,
} from "../../test/helpers/stack";
import { KmsKey } from "../kms-key";
import { SecureBucket } from "../secure-bucket";
import { Athena, type AthenaProps } from ".";

function athena(extra: Partial<AthenaProps> = {}, bucketKey = true) {
  const { stack, key } = awsTestStack();
  const results = new SecureBucket(stack, "results", {
    bucketName: "dp-dev-results",
    accountId: ACCOUNT,
    kmsKey: bucketKey ? key : undefined,
  });
  const a = new Athena(stack, "wg", {
    name: "dp-dev",
    resultsBucket: results,
    bytesScannedCutoffPerQuery: 1_073_741_824,
    ...extra,
  });
  return { stack, athena: a, key };
}

describe("Athena", () => {
  it("enforces engine v3, the scan cutoff and KMS-encrypted results under results/", () => {
    const wg = synthesize(athena().stack).one("aws_athena_workgroup");
    expect(wg.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      bytes_scanned_cutoff_per_query: 1_073_741_824,
      engine_version: { selected_engine_version: "Athena engine version 3" },
      result_configuration: {
        output_location: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.results.*\}\/results\/$/),
        encryption_configuration: {
          encryption_option: "SSE_KMS",
          kms_key_arn: expect.stringMatching(/aws_kms_key\.key/),
        },
      },
    });
    expect(wg.force_destroy).toBe(true);
  });

  it("keeps the workgroup on destroy under strict protection", () => {
    expect(synthesize(athena({ protection: "strict" }).stack).one("aws_athena_workgroup").force_destroy).toBe(
      false,
    );
  });

  it("grantRunQueries: the workgroup, the results prefix and the key; grantReadResults only reads", () => {
    const { stack, athena: a } = athena();
    const runner = testRole(stack, "runner", "states.amazonaws.com");
    const reader = testRole(stack, "reader");
    a.grantRunQueries(runner);
    a.grantReadResults(reader);
    const s = synthesize(stack);
    const run = rolePolicy(s, "runner");
    expect(run.find((x) => [x.Action].flat().includes("athena:StartQueryExecution")).Resource).toMatch(
      /aws_athena_workgroup\.wg_workgroup.*\.arn/,
    );
    expect(run.find((x) => [x.Action].flat().includes("s3:PutObject")).Resource).toMatch(/\/results\/\*$/);
    expect(actionsOf(run)).toContain("kms:GenerateDataKey*");
    const read = rolePolicy(s, "reader").flatMap((x) => [x.Action].flat());
    expect(read).toEqual(expect.arrayContaining(["athena:GetQueryResults", "s3:GetObject", "kms:Decrypt"]));
    expect(read).not.toContain("athena:StartQueryExecution");
    expect(read).not.toContain("s3:PutObject");
  });

  it("grants the results key too when it is not the bucket's key", () => {
    const { stack } = athena();
    const other = new KmsKey(stack, "other", {
      alias: "other",
      description: "o",
      accountId: ACCOUNT,
      region: REGION,
    });
    const results = new SecureBucket(stack, "r2", { bucketName: "dp-dev-r2", accountId: ACCOUNT });
    const a = new Athena(stack, "wg2", {
      name: "wg2",
      resultsBucket: results,
      key: other,
      bytesScannedCutoffPerQuery: 10_485_760,
    });
    const role = testRole(stack, "q", "states.amazonaws.com");
    a.grantRunQueries(role);
    const st = rolePolicy(synthesize(stack), "q");
    expect(st.find((x) => [x.Action].flat().includes("kms:Encrypt")).Resource).toMatch(/aws_kms_key\.other/);
  });

  it("refuses a cutoff below Athena's 10 MB minimum, a bad name and a missing key, in one error", () => {
    expect(() => athena({ name: "a b", bytesScannedCutoffPerQuery: 1000 }, false)).toThrow(
      `Athena wg: name must be 1-128 letters, digits, '.', '_' or '-' (got "a b"); bytesScannedCutoffPerQuery must be an integer >= 10485760 (got 1000); key must be set when resultsBucket has no KMS key`,
    );
  });
});
