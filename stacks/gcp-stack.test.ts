import { Testing } from "cdktf";
import { environments } from "../config/environments";
import { ConfigError, loadEnvironments } from "../config/load";
import { synthesize } from "../test/helpers/stack";
import { GcpStack } from "./gcp-stack";

const envs = loadEnvironments(structuredClone(environments));
const gcp = (name: string) =>
  synthesize(new GcpStack(Testing.app(), `dp-gcp-${name}`, { env: envs.find((e) => e.name === name)! }));
const prod = gcp("prod");
const dev = gcp("dev");

describe("GcpStack", () => {
  it("enables the needed APIs and never disables them on destroy", () => {
    const services = Object.values(prod.of("google_project_service"));
    expect(services.map((s) => s.service)).toEqual(
      expect.arrayContaining([
        "bigquery.googleapis.com",
        "iam.googleapis.com",
        "iamcredentials.googleapis.com",
        "sts.googleapis.com",
        "cloudkms.googleapis.com",
      ]),
    );
    expect(services.every((s) => s.disable_on_destroy === false)).toBe(true);
  });

  it("creates staging/dwh/mart in the configured location with labels, descriptions and CMEK", () => {
    const ds = Object.values(prod.of("google_bigquery_dataset"));
    expect(ds.map((d) => d.dataset_id).sort()).toEqual(["dwh", "iics_staging", "mart"]);
    for (const d of ds) {
      expect(d.location).toBe("asia-northeast1");
      expect(d.labels).toEqual({ environment: "prod", layer: expect.any(String), managed_by: "cdktf" });
      expect(d.description).toMatch(/\w+/);
      expect(d.default_encryption_configuration.kms_key_name).toMatch(/google_kms_crypto_key\./);
    }
    expect(prod.one("google_bigquery_dataset", "staging").default_table_expiration_ms).toBe(7 * 86_400_000);
    expect(prod.one("google_kms_crypto_key").rotation_period).toBe(`${90 * 86400}s`);
    expect(prod.one("google_kms_crypto_key_iam_member")).toMatchObject({
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: expect.stringMatching(/^serviceAccount:\$\{data\.google_bigquery_default_service_account\./),
    });
  });

  it("keeps data on destroy in prod only", () => {
    expect(
      Object.values(prod.of("google_bigquery_dataset")).every((d) => d.delete_contents_on_destroy === false),
    ).toBe(true);
    expect(
      Object.values(dev.of("google_bigquery_dataset")).every((d) => d.delete_contents_on_destroy === true),
    ).toBe(true);
  });

  it("gives IICS dataEditor on its target datasets only and jobUser on the project; readers dataViewer on mart", () => {
    const members = Object.values(prod.of("google_bigquery_dataset_iam_member"));
    const iics = members.filter((m) => m.member.includes("google_service_account.identity_iics"));
    expect(iics.map((m) => `${m.role} ${m.dataset_id.split(".")[1].split("_")[1]}`).sort()).toEqual([
      "roles/bigquery.dataEditor dwh",
      "roles/bigquery.dataEditor staging",
    ]);
    expect(members).toContainEqual(
      expect.objectContaining({
        role: "roles/bigquery.dataViewer",
        member: "group:data-readers@example.com",
      }),
    );
    const project = Object.values(prod.of("google_project_iam_member"));
    expect(project.filter((m) => m.member.includes("identity_iics")).map((m) => m.role)).toEqual([
      "roles/bigquery.jobUser",
    ]);
  });

  it("grants no primitive role, no public principal, and creates no service-account key", () => {
    const all = [
      ...Object.values(prod.of("google_project_iam_member")),
      ...Object.values(prod.of("google_bigquery_dataset_iam_member")),
    ];
    expect(all.filter((m) => ["roles/owner", "roles/editor", "roles/viewer"].includes(m.role))).toEqual([]);
    expect(all.filter((m) => /allUsers|allAuthenticatedUsers/.test(m.member))).toEqual([]);
    expect(
      all.filter(
        (m) =>
          m.member.includes("identity_iics") &&
          /dataEditor|dataViewer|dataOwner/.test(m.role) &&
          !m.dataset_id,
      ),
    ).toEqual([]);
    expect(prod.of("google_service_account_key")).toEqual({});
  });

  it("federates GitHub (this repository; apply only from the protected environment) and AWS (the reconcile Lambda's role only)", () => {
    const github = prod.one("google_iam_workload_identity_pool_provider", "github");
    expect(github.attribute_condition).toBe(
      "assertion.repository_id == '123456789' && assertion.repository == 'example-org/data-platform' && attribute.ci_role != 'none'",
    );
    expect(github.attribute_mapping["attribute.ci_role"]).toContain("assertion.environment == 'prod'");
    expect(github.oidc.issuer_uri).toBe("https://token.actions.githubusercontent.com");
    const aws = prod.one("google_iam_workload_identity_pool_provider", "aws");
    expect(aws.aws.account_id).toBe("333333333333");
    expect(aws.attribute_condition).toBe(
      "attribute.aws_role == 'arn:aws:sts::333333333333:assumed-role/dp-prod-bq-reconcile'",
    );
    const bindings = prod.of("google_service_account_iam_member");
    const grants = Object.fromEntries(
      Object.entries(bindings).map(([k, b]) => [
        k.replace(/^identity_/, "").replace(/_[0-9A-F]{8}$/, ""),
        [b.role, b.member.replace(/^principalSet:\/\/iam\.googleapis\.com\/\$\{[^}]+\}/, "")],
      ]),
    );
    expect(grants).toEqual({
      "ci-plan-wif": ["roles/iam.workloadIdentityUser", "/attribute.ci_role/plan"],
      "ci-apply-wif": ["roles/iam.workloadIdentityUser", "/attribute.ci_role/apply"],
      "bq-reconcile-wif": [
        "roles/iam.workloadIdentityUser",
        "/attribute.aws_role/arn:aws:sts::333333333333:assumed-role/dp-prod-bq-reconcile",
      ],
    });
  });

  it("outputs dataset ids, the IICS email and the WIF provider names", () => {
    const outputs = Object.keys(prod.json.output);
    for (const o of [
      "staging_dataset_id",
      "dwh_dataset_id",
      "mart_dataset_id",
      "iics_service_account",
      "github_wif_provider",
      "aws_wif_provider",
    ]) {
      expect(outputs).toContain(o);
    }
  });

  it("labels every resource through provider default_labels", () => {
    expect(prod.json.provider.google[0].default_labels).toEqual({
      environment: "prod",
      managed_by: "cdktf",
      owner: "data-platform",
      project: "dp",
      cost_center: "cc-data-0001",
    });
  });

  it("refuses bad dataset ids and a bad location, naming the field", () => {
    const raw = structuredClone(environments);
    raw.dev.gcp = { ...raw.dev.gcp, location: "Tokyo", datasets: { mart: "mart-layer" } };
    try {
      loadEnvironments(raw);
      throw new Error("expected refusal");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toEqual([
        expect.stringMatching(/^dev\.gcp\.location: must be a BigQuery location.*"Tokyo"/),
        expect.stringMatching(/^dev\.gcp\.datasets\.mart: must be a BigQuery dataset id.*"mart-layer"/),
      ]);
    }
  });

  it("keeps prod (strict) datasets, their CMEK key and non-staging tables from destroy; not in dev", () => {
    for (const d of Object.values(prod.of("google_bigquery_dataset")))
      expect(d.lifecycle).toEqual({ prevent_destroy: true });
    expect(prod.one("google_kms_crypto_key").lifecycle).toEqual({ prevent_destroy: true });
    for (const d of Object.values(dev.of("google_bigquery_dataset"))) expect(d.lifecycle).toBeUndefined();
    expect(dev.one("google_kms_crypto_key").lifecycle).toEqual({ prevent_destroy: false });
  });
});
