import { ACCOUNT, actionsOf, awsTestStack, rolePolicy, synthesize, testRole } from "../../test/helpers/stack";
import { SecureBucket } from "../secure-bucket";
import { CuratedTable, type CuratedTableProps } from ".";

function table(extra: Partial<CuratedTableProps> = {}) {
  const { stack, key } = awsTestStack();
  const bucket = new SecureBucket(stack, "curated", {
    bucketName: "dp-dev-curated",
    accountId: ACCOUNT,
    kmsKey: key,
  });
  const t = new CuratedTable(stack, "t", {
    databaseName: "dp_dev_curated",
    tableName: "daily_orders",
    bucket,
    columns: [
      { name: "dt", type: "date" },
      { name: "amount", type: "decimal(12,2)" },
    ],
    ...extra,
  });
  return { stack, table: t };
}

describe("CuratedTable", () => {
  it("creates an Iceberg v2 table under <table>/ whose metadata Iceberg owns after creation", () => {
    const t = synthesize(table().stack).one("aws_glue_catalog_table");
    expect(t.open_table_format_input).toEqual({
      iceberg_input: { metadata_operation: "CREATE", version: "2" },
    });
    expect(t.storage_descriptor.location).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.curated.*\}\/daily_orders$/);
    expect(t.storage_descriptor.columns).toEqual([
      { name: "dt", type: "date" },
      { name: "amount", type: "decimal(12,2)" },
    ]);
    expect(t.lifecycle).toEqual({ ignore_changes: ["parameters", "storage_descriptor"] });
  });

  it("adds prevent_destroy under strict protection and keeps ignore_changes", () => {
    expect(synthesize(table({ protection: "strict" }).stack).one("aws_glue_catalog_table").lifecycle).toEqual(
      {
        ignore_changes: ["parameters", "storage_descriptor"],
        prevent_destroy: true,
      },
    );
  });

  it("grants the table's prefix and its staging prefix with the key, nothing else of the bucket", () => {
    const { stack, table: t } = table();
    const w = testRole(stack, "writer", "states.amazonaws.com");
    const r = testRole(stack, "reader");
    t.grantReadWriteData(w);
    t.grantReadData(r);
    const s = synthesize(stack);
    const write = rolePolicy(s, "writer");
    const objects = write
      .filter((x) => [x.Action].flat().includes("s3:PutObject"))
      .flatMap((x) => [x.Resource].flat());
    expect(objects).toEqual([
      expect.stringMatching(/\/daily_orders\/\*$/),
      expect.stringMatching(/\/_staging\/daily_orders\/\*$/),
    ]);
    expect(actionsOf(write)).toContain("kms:GenerateDataKey*");
    const read = rolePolicy(s, "reader").flatMap((x) => [x.Action].flat());
    expect(read).not.toContain("s3:PutObject");
  });

  it("refuses names and types Glue/Iceberg would reject, all in one error", () => {
    expect(() =>
      table({
        tableName: "Daily",
        columns: [
          { name: "a", type: "strin" },
          { name: "a", type: "int" },
        ],
      }),
    ).toThrow(
      `CuratedTable t: tableName must be a Glue name (lowercase letters, digits, '_') (got "Daily"); columns.a.type has no Iceberg type (got "strin"); columns.a is declared twice (got "a")`,
    );
    expect(() => table({ columns: [] })).toThrow("columns must name at least one column");
  });
});
