import { gcpTestStack, PROJECT, synthesize } from "../../test/helpers/stack";
import { BigQuery, type BigQueryProps } from ".";

function bq(extra: Partial<BigQueryProps> = {}) {
  const { stack } = gcpTestStack();
  const b = new BigQuery(stack, "bq", {
    projectId: PROJECT,
    location: "asia-northeast1",
    name: "dp-dev",
    environment: "dev",
    datasetIds: { staging: "dp_dev_staging", dwh: "dp_dev_dwh", mart: "dp_dev_mart" },
    ...extra,
  });
  return { stack, bq: b };
}

describe("BigQuery", () => {
  it("encrypts every dataset with the rotating CMEK key the BigQuery agent may use; staging tables expire", () => {
    const s = synthesize(bq().stack);
    const datasets = Object.values(s.of("google_bigquery_dataset"));
    expect(datasets).toHaveLength(3);
    for (const d of datasets) {
      expect(d.default_encryption_configuration.kms_key_name).toMatch(/google_kms_crypto_key\.bq_key/);
      expect(d.delete_contents_on_destroy).toBe(false);
      expect(d.lifecycle).toBeUndefined();
    }
    expect(s.one("google_bigquery_dataset", "staging").default_table_expiration_ms).toBe(7 * 86_400_000);
    expect(s.one("google_kms_crypto_key").rotation_period).toBe(`${90 * 86400}s`);
    expect(s.one("google_kms_crypto_key_iam_member")).toMatchObject({
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: expect.stringMatching(/^serviceAccount:\$\{data\.google_bigquery_default_service_account/),
    });
  });

  it("follows protection: none deletes contents with the datasets, strict prevents destroying datasets and key", () => {
    for (const d of Object.values(synthesize(bq({ protection: "none" }).stack).of("google_bigquery_dataset")))
      expect(d.delete_contents_on_destroy).toBe(true);
    const strict = synthesize(bq({ protection: "strict" }).stack);
    for (const d of Object.values(strict.of("google_bigquery_dataset")))
      expect(d.lifecycle).toEqual({ prevent_destroy: true });
    expect(strict.one("google_kms_crypto_key").lifecycle).toEqual({ prevent_destroy: true });
  });

  it("grants dataset-level viewer and editor roles, and refuses the public", () => {
    const { stack, bq: b } = bq();
    b.grantRead("readers", "mart", "group:analysts@example.com");
    b.grantWrite("iics", "dwh", "serviceAccount:iics@p.iam.gserviceaccount.com");
    expect(() => b.grantRead("public", "mart", "allUsers")).toThrow('member "allUsers" is public');
    const members = Object.values(synthesize(stack).of("google_bigquery_dataset_iam_member"));
    expect(members.map((m) => [m.role, m.dataset_id.match(/bq_(\w+?)_/)?.[1], m.member]).sort()).toEqual([
      ["roles/bigquery.dataEditor", "dwh", "serviceAccount:iics@p.iam.gserviceaccount.com"],
      ["roles/bigquery.dataViewer", "mart", "group:analysts@example.com"],
    ]);
  });

  it("refuses bad project and dataset ids and shared datasets, all in one error", () => {
    expect(() =>
      bq({ projectId: "P", datasetIds: { staging: "a-b", dwh: "x", mart: "x" }, rotationDays: 0 }),
    ).toThrow(
      `BigQuery bq: projectId must be a GCP project id (6-30 lowercase letters, digits, '-') (got "P"); datasetIds.staging must be a BigQuery dataset id (letters, digits, '_') (got "a-b"); datasetIds must name three distinct datasets (got {"staging":"a-b","dwh":"x","mart":"x"}); rotationDays must be an integer >= 1 (got 0)`,
    );
  });
});
