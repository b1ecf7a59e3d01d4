/** `<prefix>-gcp-<env>`: the GCP side of one environment (BigQuery targets of IICS, identities). */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/schema";
import { PROTECTION_METADATA_KEY } from "../lib/protection";
import { BigQuery } from "../modules/bigquery";
import { BigQueryTables, type TableSpec } from "../modules/bigquery-tables";
import { GcpIdentity } from "../modules/gcp-identity";
import { GcpServices } from "../modules/gcp-services";
import { configureBackend } from "./backend";
import { reconcileRoleName } from "./names";
import { declareOutputs, GCP_OUTPUTS } from "./outputs";
import { googleProvider } from "./providers";

export interface GcpStackProps {
  readonly env: EnvironmentConfig;
  /** IICS target tables (config/bigquery.ts). @default [] */
  readonly tables?: ReadonlyArray<TableSpec>;
  /** Dataset layers the reconcile checks read (dataViewer for its service account). @default [] */
  readonly reconcileDatasets?: ReadonlyArray<"staging" | "dwh" | "mart">;
}

export class GcpStack extends TerraformStack {
  readonly bigquery: BigQuery;
  readonly identity: GcpIdentity;
  readonly tables: BigQueryTables;

  constructor(scope: Construct, id: string, props: GcpStackProps) {
    super(scope, id);
    const { env } = props;
    // The policy pack reads the level from here (never from the stack's name).
    this.addOverride(`//.${PROTECTION_METADATA_KEY}`, env.protection);
    const name = `${env.prefix}-${env.name}`;
    configureBackend(this, id, env.name, env.state);
    googleProvider(this, env.gcp.projectId, env.gcp.location, {
      project: env.prefix,
      environment: env.name,
      owner: env.owner,
      costCenter: env.costCenter,
    });
    const apis = new GcpServices(this, "apis", { projectId: env.gcp.projectId });
    this.bigquery = new BigQuery(this, "bigquery", {
      projectId: env.gcp.projectId,
      location: env.gcp.location,
      name,
      environment: env.name,
      datasetIds: env.gcp.datasets,
      stagingTableExpirationDays: env.gcp.stagingTableExpirationDays,
      rotationDays: env.gcp.kmsRotationDays,
      protection: env.protection,
      dependsOn: apis.services,
    });
    const ds = this.bigquery.datasets;
    this.tables = new BigQueryTables(this, "tables", {
      projectId: env.gcp.projectId,
      environment: env.name,
      datasetIds: { staging: ds.staging.datasetId, dwh: ds.dwh.datasetId, mart: ds.mart.datasetId },
      kmsKeyName: this.bigquery.key.id,
      tables: props.tables ?? [],
      protection: env.protection,
      dependsOn: [ds.staging, ds.dwh, ds.mart],
    });
    this.identity = new GcpIdentity(this, "identity", {
      projectId: env.gcp.projectId,
      name,
      environment: env.name,
      githubRepository: env.github.repository,
      githubRepositoryId: env.github.repositoryId,
      awsAccountId: env.aws.accountId,
      reconcileRoleName: reconcileRoleName(env.prefix, env.name),
      dependsOn: apis.services,
    });
    // IICS writes its target datasets only; analysts read the mart.
    this.bigquery.grantWrite("iics-staging", "staging", this.identity.iics.member);
    this.bigquery.grantWrite("iics-dwh", "dwh", this.identity.iics.member);
    // The reconcile Lambda reads exactly the datasets its checks name.
    for (const layer of [...new Set(props.reconcileDatasets ?? [])].sort())
      this.bigquery.grantRead(`bq-reconcile-${layer}`, layer, this.identity.reconcile.member);
    if (env.gcp.readerGroup) {
      this.bigquery.grantRead("readers-mart", "mart", `group:${env.gcp.readerGroup}`);
    }

    const tableIds = Object.entries(this.tables.tables).map(([k, t]) => [k, t.id] as const);
    declareOutputs(this, GCP_OUTPUTS, {
      staging_dataset_id: ds.staging.id,
      dwh_dataset_id: ds.dwh.id,
      mart_dataset_id: ds.mart.id,
      table_ids: tableIds.length > 0 ? Object.fromEntries(tableIds) : undefined,
      iics_service_account: this.identity.iics.email,
      reconcile_service_account: this.identity.reconcile.email,
      ci_plan_service_account: this.identity.ciPlan.email,
      ci_apply_service_account: this.identity.ciApply.email,
      github_wif_provider: this.identity.githubProvider.name,
      aws_wif_provider: this.identity.awsProvider.name,
    });
  }
}
