import {
  ACCOUNT,
  actionsOf,
  awsTestStack,
  REGION,
  rolePolicy,
  synthesize,
  testRole,
} from "../../test/helpers/stack";
import { SecureBucket } from "../secure-bucket";
import { Catalog, type CatalogProps } from ".";

const orders = {
  id: "orders",
  prefix: "saas/orders",
  startDate: "2024-01-01",
  columns: [{ name: "id", type: "string" }],
};

function catalog(extra: Partial<CatalogProps> = {}) {
  const { stack, key } = awsTestStack();
  const raw = new SecureBucket(stack, "raw", { bucketName: "dp-dev-raw", accountId: ACCOUNT, kmsKey: key });
  const c = new Catalog(stack, "c", {
    namePrefix: "dp_dev",
    accountId: ACCOUNT,
    region: REGION,
    key,
    rawBucket: raw,
    sources: [orders],
    ...extra,
  });
  return { stack, catalog: c };
}

describe("Catalog", () => {
  it("creates raw and curated databases, encrypts the catalog, and projects dt partitions", () => {
    const s = synthesize(catalog().stack);
    expect(
      Object.values(s.of("aws_glue_catalog_database"))
        .map((d) => d.name)
        .sort(),
    ).toEqual(["dp_dev_curated", "dp_dev_raw"]);
    expect(
      s.one("aws_glue_data_catalog_encryption_settings").data_catalog_encryption_settings.encryption_at_rest,
    ).toMatchObject({ catalog_encryption_mode: "SSE-KMS" });
    const table = s.one("aws_glue_catalog_table");
    expect(table.parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.dt.range": "2024-01-01,NOW",
      "storage.location.template": expect.stringMatching(/\/saas\/orders\/dt=\$\$\{dt\}\/$/),
    });
  });

  it("puts prevent_destroy on both databases under strict protection only", () => {
    for (const d of Object.values(
      synthesize(catalog({ protection: "strict" }).stack).of("aws_glue_catalog_database"),
    ))
      expect(d.lifecycle).toEqual({ prevent_destroy: true });
    for (const d of Object.values(synthesize(catalog().stack).of("aws_glue_catalog_database")))
      expect(d.lifecycle).toBeUndefined();
  });

  it("grantReadSources reads the source's table, its raw prefix and both keys; nothing else", () => {
    const { stack, catalog: c } = catalog();
    const role = testRole(stack, "r");
    c.grantReadSources(role, ["orders"]);
    const st = rolePolicy(synthesize(stack), "r");
    const glue = st.find((x) => [x.Action].flat().includes("glue:GetTable"));
    expect(glue.Resource).toEqual([
      `arn:aws:glue:${REGION}:${ACCOUNT}:catalog`,
      `arn:aws:glue:${REGION}:${ACCOUNT}:database/dp_dev_raw`,
      `arn:aws:glue:${REGION}:${ACCOUNT}:table/dp_dev_raw/orders`,
    ]);
    expect(st.find((x) => [x.Action].flat().includes("s3:GetObject")).Resource).toMatch(
      /\/saas\/orders\/\*$/,
    );
    const actions = actionsOf(st);
    expect(actions).toContain("kms:Decrypt");
    expect(actions.some((a: string) => /Create|Update|Delete|Put|Encrypt/.test(a))).toBe(false);
    expect(() => c.grantReadSources(role, ["nope"])).toThrow('no raw table "nope"');
  });

  it("grantWriteTables writes only the named curated tables and uses the key", () => {
    const { stack, catalog: c } = catalog();
    const role = testRole(stack, "w");
    c.grantWriteTables(role, "curated", ["daily", "daily__stg_*"]);
    const st = rolePolicy(synthesize(stack), "w");
    expect(st[0].Action).toEqual(["glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"]);
    expect(st[0].Resource).toContain(`arn:aws:glue:${REGION}:${ACCOUNT}:table/dp_dev_curated/daily__stg_*`);
    expect(actionsOf(st)).toContain("kms:GenerateDataKey*");
  });

  it("refuses names Glue would reject and duplicate sources, naming each", () => {
    expect(() =>
      catalog({
        namePrefix: "dp-dev",
        sources: [orders, { ...orders, prefix: "/x/", startDate: "2024-1-1", columns: [] }],
      }),
    ).toThrow(
      `Catalog c: namePrefix must be lowercase letters, digits and underscores (got "dp-dev"); sources[orders].id is used by two sources (got "orders"); sources[orders].prefix must be a key prefix without leading or trailing '/' (got "/x/"); sources[orders].startDate must be a date YYYY-MM-DD (got "2024-1-1"); sources[orders].columns must name at least one column`,
    );
  });
});
