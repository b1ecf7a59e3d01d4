/**
 * BigQuery datasets per layer for IICS targets (staging, dwh, mart): location and ids from config,
 * labels, descriptions, CMEK default encryption with a per-env Cloud KMS key (rotation set) that
 * the BigQuery service agent may use. What `protection` changes:
 *
 * | protection | delete_contents_on_destroy | prevent_destroy (datasets, CMEK key) |
 * |------------|----------------------------|--------------------------------------|
 * | none       | true                       | no                                   |
 * | standard   | false                      | no                                   |
 * | strict     | false                      | yes                                  |
 *
 * Readers and writers get dataset-level roles (`grantRead`, `grantWrite`); the service agent
 * decrypts for them, so no grant names the key.
 */
import { BigqueryDataset } from "@cdktf/provider-google/lib/bigquery-dataset";
import { BigqueryDatasetIamMember } from "@cdktf/provider-google/lib/bigquery-dataset-iam-member";
import { DataGoogleBigqueryDefaultServiceAccount } from "@cdktf/provider-google/lib/data-google-bigquery-default-service-account";
import { KmsCryptoKey } from "@cdktf/provider-google/lib/kms-crypto-key";
import { KmsCryptoKeyIamMember } from "@cdktf/provider-google/lib/kms-crypto-key-iam-member";
import { KmsKeyRing } from "@cdktf/provider-google/lib/kms-key-ring";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PropsValidator } from "../../lib/props";
import { dataLifecycle, type Protection, protectionOf } from "../../lib/protection";
import { BIGQUERY_DEFAULTS } from "./defaults";
import { CMEK_ROLE, DATASET_READ_ROLE, DATASET_WRITE_ROLE, type DatasetRole, PUBLIC_MEMBERS } from "./perms";

export type Layer = "staging" | "dwh" | "mart";
export const LAYERS: readonly Layer[] = ["staging", "dwh", "mart"];

export const LAYER_DESCRIPTIONS: Record<Layer, string> = {
  staging: "Landing of IICS loads; tables expire",
  dwh: "Curated warehouse tables (IICS targets)",
  mart: "Business-facing marts (read by analysts)",
};

export interface BigQueryProps {
  /** GCP project id (6-30 lowercase letters, digits, hyphens). */
  readonly projectId: string;
  /** Dataset and KMS location, e.g. `asia-northeast1` or `US`. */
  readonly location: string;
  /** Name of the key ring / key, e.g. `dp-dev`. */
  readonly name: string;
  /** Environment name (labels, friendly names). */
  readonly environment: string;
  /** Dataset id per layer (letters, digits, `_`; distinct). */
  readonly datasetIds: Record<Layer, string>;
  /** Default table expiration in the staging dataset, days. @default 7 */
  readonly stagingTableExpirationDays?: number;
  /** Key rotation, days (at least 1). @default 90 */
  readonly rotationDays?: number;
  /** Protection level of the environment (see the table above). @default "standard" */
  readonly protection?: Protection;
  /** APIs that must be on first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

export class BigQuery extends Construct {
  /** The datasets by layer. */
  readonly datasets: Record<Layer, BigqueryDataset>;
  /** The CMEK key, `projects/<p>/locations/<l>/keyRings/<name>-bigquery/cryptoKeys/bigquery-default`. */
  readonly key: KmsCryptoKey;

  constructor(scope: Construct, id: string, props: BigQueryProps) {
    super(scope, id);
    const v = new PropsValidator("BigQuery", id);
    v.matches(
      "projectId",
      props.projectId,
      /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
      "a GCP project id (6-30 lowercase letters, digits, '-')",
    );
    for (const layer of LAYERS)
      v.matches(
        `datasetIds.${layer}`,
        props.datasetIds[layer],
        /^[A-Za-z0-9_]{1,1024}$/,
        "a BigQuery dataset id (letters, digits, '_')",
      );
    if (new Set(LAYERS.map((l) => props.datasetIds[l])).size !== LAYERS.length)
      v.fail("datasetIds", "must name three distinct datasets", props.datasetIds);
    v.range("stagingTableExpirationDays", props.stagingTableExpirationDays, { min: 1 });
    v.range("rotationDays", props.rotationDays, { min: 1 });
    v.throwIfInvalid();

    const lifecycle = dataLifecycle(props.protection);
    const ring = new KmsKeyRing(this, "ring", {
      name: `${props.name}-bigquery`,
      location: props.location.toLowerCase(),
      project: props.projectId,
      dependsOn: props.dependsOn,
    });
    this.key = new KmsCryptoKey(this, "key", {
      name: "bigquery-default",
      keyRing: ring.id,
      rotationPeriod: `${(props.rotationDays ?? BIGQUERY_DEFAULTS.rotationDays) * 86400}s`,
      purpose: "ENCRYPT_DECRYPT",
      lifecycle: { preventDestroy: lifecycle?.preventDestroy ?? false },
    });
    const agent = new DataGoogleBigqueryDefaultServiceAccount(this, "bq-agent", {
      project: props.projectId,
      dependsOn: props.dependsOn,
    });
    const keyGrant = new KmsCryptoKeyIamMember(this, "bq-agent-key", {
      cryptoKeyId: this.key.id,
      role: CMEK_ROLE,
      member: `serviceAccount:${agent.email}`,
    });

    const deleteContents = protectionOf(props.protection).deleteContentsOnDestroy;
    const dataset = (layer: Layer) =>
      new BigqueryDataset(this, layer, {
        project: props.projectId,
        datasetId: props.datasetIds[layer],
        friendlyName: `${layer} (${props.environment})`,
        description: LAYER_DESCRIPTIONS[layer],
        location: props.location,
        labels: { environment: props.environment, layer, managed_by: "cdktf" },
        defaultEncryptionConfiguration: { kmsKeyName: this.key.id },
        defaultTableExpirationMs:
          layer === "staging"
            ? (props.stagingTableExpirationDays ?? BIGQUERY_DEFAULTS.stagingTableExpirationDays) * 86_400_000
            : undefined,
        deleteContentsOnDestroy: deleteContents,
        dependsOn: [keyGrant],
        lifecycle,
      });
    this.datasets = { staging: dataset("staging"), dwh: dataset("dwh"), mart: dataset("mart") };
  }

  /** Let `member` (e.g. `serviceAccount:…`, `group:…`) read the tables of `layer`. `id` names the binding. */
  grantRead(id: string, layer: Layer, member: string): BigqueryDatasetIamMember {
    return this.grantDataset(id, layer, DATASET_READ_ROLE, member);
  }

  /** Let `member` create, write and delete the tables of `layer`. `id` names the binding. */
  grantWrite(id: string, layer: Layer, member: string): BigqueryDatasetIamMember {
    return this.grantDataset(id, layer, DATASET_WRITE_ROLE, member);
  }

  /** Grant a dataset-level role (never project-wide, never to the public) to a member. */
  grantDataset(id: string, layer: Layer, role: DatasetRole, member: string): BigqueryDatasetIamMember {
    if ((PUBLIC_MEMBERS as readonly string[]).includes(member))
      throw new Error(`BigQuery ${this.node.id}: grant ${id}: member "${member}" is public`);
    return new BigqueryDatasetIamMember(this, id, {
      project: this.datasets[layer].project,
      datasetId: this.datasets[layer].datasetId,
      role,
      member,
    });
  }
}
