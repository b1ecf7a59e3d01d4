/**
 * BigQuery datasets per layer for IICS targets (staging, dwh, mart): location and ids from config,
 * labels, descriptions, CMEK default encryption with a per-env Cloud KMS key (rotation set) that
 * the BigQuery service agent may use, and contents kept on destroy in prod.
 */
import { BigqueryDataset } from "@cdktf/provider-google/lib/bigquery-dataset";
import { BigqueryDatasetIamMember } from "@cdktf/provider-google/lib/bigquery-dataset-iam-member";
import { DataGoogleBigqueryDefaultServiceAccount } from "@cdktf/provider-google/lib/data-google-bigquery-default-service-account";
import { KmsCryptoKey } from "@cdktf/provider-google/lib/kms-crypto-key";
import { KmsCryptoKeyIamMember } from "@cdktf/provider-google/lib/kms-crypto-key-iam-member";
import { KmsKeyRing } from "@cdktf/provider-google/lib/kms-key-ring";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

export type Layer = "staging" | "dwh" | "mart";

export const LAYER_DESCRIPTIONS: Record<Layer, string> = {
  staging: "Landing of IICS loads; tables expire",
  dwh: "Curated warehouse tables (IICS targets)",
  mart: "Business-facing marts (read by analysts)",
};

export interface BigQueryProps {
  readonly projectId: string;
  /** Dataset and KMS location, e.g. `asia-northeast1`. */
  readonly location: string;
  /** Name of the key ring / key, e.g. `dp-dev`. */
  readonly name: string;
  readonly environment: string;
  readonly datasetIds: Record<Layer, string>;
  /** Default table expiration in the staging dataset, days. @default 7 */
  readonly stagingTableExpirationDays?: number;
  /** Key rotation, days. @default 90 */
  readonly rotationDays?: number;
  /** Delete tables with the datasets (false in prod). @default false */
  readonly deleteContentsOnDestroy?: boolean;
  /** APIs that must be on first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

export class BigQuery extends Construct {
  readonly datasets: Record<Layer, BigqueryDataset>;
  readonly key: KmsCryptoKey;

  constructor(scope: Construct, id: string, props: BigQueryProps) {
    super(scope, id);
    const problems: string[] = [];
    for (const [layer, dsId] of Object.entries(props.datasetIds)) {
      if (!/^[A-Za-z0-9_]{1,1024}$/.test(dsId))
        problems.push(`datasetIds.${layer}: "${dsId}" is not a BigQuery dataset id`);
    }
    if (new Set(Object.values(props.datasetIds)).size !== 3)
      problems.push("datasetIds: the three layers need distinct ids");
    if (problems.length) throw new Error(`BigQuery ${id}: ${problems.join("; ")}`);

    const ring = new KmsKeyRing(this, "ring", {
      name: `${props.name}-bigquery`,
      location: props.location.toLowerCase(),
      project: props.projectId,
      dependsOn: props.dependsOn,
    });
    this.key = new KmsCryptoKey(this, "key", {
      name: "bigquery-default",
      keyRing: ring.id,
      rotationPeriod: `${(props.rotationDays ?? 90) * 86400}s`,
      purpose: "ENCRYPT_DECRYPT",
      lifecycle: { preventDestroy: false },
    });
    const agent = new DataGoogleBigqueryDefaultServiceAccount(this, "bq-agent", {
      project: props.projectId,
      dependsOn: props.dependsOn,
    });
    const keyGrant = new KmsCryptoKeyIamMember(this, "bq-agent-key", {
      cryptoKeyId: this.key.id,
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: `serviceAccount:${agent.email}`,
    });

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
          layer === "staging" ? (props.stagingTableExpirationDays ?? 7) * 86_400_000 : undefined,
        deleteContentsOnDestroy: props.deleteContentsOnDestroy ?? false,
        dependsOn: [keyGrant],
      });
    this.datasets = { staging: dataset("staging"), dwh: dataset("dwh"), mart: dataset("mart") };
  }

  /** Grant a dataset-level role (never project-wide) to a member. */
  grantDataset(
    id: string,
    layer: Layer,
    role: "roles/bigquery.dataEditor" | "roles/bigquery.dataViewer",
    member: string,
  ) {
    return new BigqueryDatasetIamMember(this, id, {
      project: this.datasets[layer].project,
      datasetId: this.datasets[layer].datasetId,
      role,
      member,
    });
  }
}
