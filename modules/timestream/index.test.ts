import { actionsOf, awsTestStack, rolePolicy, synthesize, testRole } from "../../test/helpers/stack";
import { Timestream, type TimestreamProps } from ".";

function timestream(extra: Partial<TimestreamProps> = {}) {
  const { stack, key } = awsTestStack();
  const ts = new Timestream(stack, "ts", { databaseName: "dp-dev-metrics", key, ...extra });
  return { stack, ts };
}

describe("Timestream", () => {
  it("encrypts the database with the customer key; the table keeps 24 h in memory and 365 days on magnetic", () => {
    const s = synthesize(timestream().stack);
    expect(s.one("aws_timestreamwrite_database").kms_key_id).toMatch(/aws_kms_key\.key.*\.arn/);
    expect(s.one("aws_timestreamwrite_table")).toMatchObject({
      table_name: "pipeline_runs",
      retention_properties: {
        memory_store_retention_period_in_hours: 24,
        magnetic_store_retention_period_in_days: 365,
      },
    });
    expect(s.one("aws_timestreamwrite_database").lifecycle).toBeUndefined();
  });

  it("puts prevent_destroy on database and table under strict protection", () => {
    const s = synthesize(timestream({ protection: "strict" }).stack);
    expect(s.one("aws_timestreamwrite_database").lifecycle).toEqual({ prevent_destroy: true });
    expect(s.one("aws_timestreamwrite_table").lifecycle).toEqual({ prevent_destroy: true });
  });

  it("grantWrite allows writes to the table and the key; grantRead queries and decrypt only", () => {
    const { stack, ts } = timestream();
    const writer = testRole(stack, "writer");
    const reader = testRole(stack, "reader");
    ts.grantWrite(writer);
    ts.grantRead(reader);
    const s = synthesize(stack);
    const write = rolePolicy(s, "writer");
    expect(write.find((x) => [x.Action].flat().includes("timestream:WriteRecords")).Resource).toMatch(
      /aws_timestreamwrite_table\.ts_runs.*\.arn/,
    );
    expect(actionsOf(write)).toContain("kms:GenerateDataKey*");
    const read = rolePolicy(s, "reader").flatMap((x) => [x.Action].flat());
    expect(read).toEqual(expect.arrayContaining(["timestream:Select", "kms:Decrypt"]));
    expect(read).not.toContain("timestream:WriteRecords");
    expect(read).not.toContain("kms:Encrypt");
  });

  it("refuses names and retention Timestream would reject, all in one error", () => {
    expect(() =>
      timestream({ databaseName: "a b", memoryRetentionHours: 0, magneticRetentionDays: 100_000 }),
    ).toThrow(
      `Timestream ts: databaseName must be 3-256 letters, digits, '_', '-' or '.' (got "a b"); memoryRetentionHours must be an integer from 1 to 8766 (got 0); magneticRetentionDays must be an integer from 1 to 73000 (got 100000)`,
    );
  });
});
