/** Module props that cannot work are refused at synth with the prop, the problem and the value. */
import { awsTestStack } from "../test/helpers/stack";
import { Athena } from "./athena";
import { Catalog } from "./catalog";
import { SecureBucket } from "./secure-bucket";
import { toAttributeValue } from "./settings-table/marshal";

describe("module validation", () => {
  it("Athena refuses a scan cutoff below Athena's 10 MB minimum", () => {
    const { stack, key } = awsTestStack();
    const results = new SecureBucket(stack, "r", {
      bucketName: "results-x",
      accountId: "111111111111",
      kmsKey: key,
    });
    expect(
      () =>
        new Athena(stack, "wg", {
          name: "wg",
          resultsBucket: results,
          key,
          bytesScannedCutoffPerQuery: 1000,
        }),
    ).toThrow("Athena wg: bytesScannedCutoffPerQuery must be >= 10485760 (got 1000)");
  });

  it("Catalog refuses database names Glue would reject", () => {
    const { stack, key } = awsTestStack();
    expect(
      () =>
        new Catalog(stack, "c", {
          namePrefix: "dp-dev",
          accountId: "1",
          key,
          rawBucketName: "b",
          sources: [],
        }),
    ).toThrow('Catalog c: namePrefix must be lowercase letters, digits and underscores (got "dp-dev")');
  });

  it("settings items marshal to DynamoDB JSON and refuse values DynamoDB cannot hold", () => {
    expect(toAttributeValue({ a: [1, "x", true, null] })).toEqual({
      M: { a: { L: [{ N: "1" }, { S: "x" }, { BOOL: true }, { NULL: true }] } },
    });
    expect(() => toAttributeValue(Number.NaN)).toThrow("cannot store NaN in DynamoDB");
  });
});
