import { awsTestStack, rolePolicy, synthesize, testRole } from "../../test/helpers/stack";
import { SettingsTable, type SettingsTableProps } from ".";
import { toAttributeValue } from "./marshal";

function table(extra: Partial<SettingsTableProps> = {}) {
  const { stack, key } = awsTestStack();
  const t = new SettingsTable(stack, "settings", { tableName: "dp-dev-settings", key, ...extra });
  return { stack, table: t };
}

describe("SettingsTable", () => {
  it("is on demand, keyed pk+sk, with PITR, the customer key and deletion protection by default", () => {
    const t = synthesize(table().stack).one("aws_dynamodb_table");
    expect(t).toMatchObject({
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "pk",
      range_key: "sk",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: expect.stringMatching(/aws_kms_key\.key/) },
      deletion_protection_enabled: true,
    });
    expect(t.lifecycle).toBeUndefined();
  });

  it("follows protection: none drops deletion protection, strict adds prevent_destroy", () => {
    expect(
      synthesize(table({ protection: "none" }).stack).one("aws_dynamodb_table").deletion_protection_enabled,
    ).toBe(false);
    const strict = synthesize(table({ protection: "strict" }).stack).one("aws_dynamodb_table");
    expect(strict.deletion_protection_enabled).toBe(true);
    expect(strict.lifecycle).toEqual({ prevent_destroy: true });
  });

  it("writes each config item with sk=config as DynamoDB JSON", () => {
    const s = synthesize(
      table({ configItems: { "source#orders": { enabled: true, pageSize: 100, skip: undefined } } }).stack,
    );
    expect(JSON.parse(s.one("aws_dynamodb_table_item").item)).toEqual({
      pk: { S: "source#orders" },
      sk: { S: "config" },
      enabled: { BOOL: true },
      pageSize: { N: "100" },
    });
  });

  it("refuses items DynamoDB cannot hold, naming the item and the attribute, all at once", () => {
    expect(() =>
      table({
        tableName: "x",
        configItems: {
          "source#a": { rate: Number.NaN, sk: "other" },
          "transform#big": { sql: "x".repeat(410_000) },
        },
      }),
    ).toThrow(
      /^SettingsTable settings: tableName must be 3-255 .*\(got "x"\); configItems\["source#a"\]\.rate: cannot store NaN in DynamoDB; configItems\["source#a"\]\.sk is the table's key.*; configItems\["transform#big"\] is about \d+ bytes \(DynamoDB items hold at most 409600\)$/,
    );
  });

  it("grantRead allows reads and decrypt only; grantReadWrite adds item writes and encrypt", () => {
    const { stack, table: t } = table();
    const reader = testRole(stack, "reader");
    const writer = testRole(stack, "writer");
    t.grantRead(reader);
    t.grantReadWrite(writer);
    const s = synthesize(stack);
    const read = rolePolicy(s, "reader");
    expect(read).toEqual([
      {
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"],
        Resource: expect.stringMatching(/aws_dynamodb_table\.settings_table.*\.arn/),
      },
      {
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:DescribeKey"],
        Resource: expect.stringMatching(/aws_kms_key/),
      },
    ]);
    const write = rolePolicy(s, "writer").flatMap((st) => [st.Action].flat());
    expect(write).toEqual(
      expect.arrayContaining(["dynamodb:PutItem", "dynamodb:UpdateItem", "kms:GenerateDataKey*"]),
    );
    expect(write).not.toContain("dynamodb:DeleteItem");
  });

  it("marshals plain values to DynamoDB JSON and refuses values DynamoDB cannot hold", () => {
    expect(toAttributeValue({ a: [1, "x", true, null] })).toEqual({
      M: { a: { L: [{ N: "1" }, { S: "x" }, { BOOL: true }, { NULL: true }] } },
    });
    expect(() => toAttributeValue(Number.NaN)).toThrow("cannot store NaN in DynamoDB");
  });
});
