/** `<prefix>-aws-<env>`: the AWS side of one environment, composed from modules. */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Aspects, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { resolveChecks } from "../config/bigquery-load";
import type { BigQuerySettings } from "../config/bigquery-schema";
import { bucketName, ConfigError } from "../config/load";
import type { EnvironmentConfig, SourceConfig } from "../config/schema";
import { bundleFunction } from "../functions/build";
import type { TransformSpec } from "../functions/curate/core/spec";
import { EVENT_SOURCE, RAW_PUBLISHED } from "../functions/shared/contracts";
import { settingsPk } from "../functions/shared/settings-keys";
import { addMovedBlocks } from "../lib/moved";
import { PROTECTION, PROTECTION_METADATA_KEY } from "../lib/protection";
import { AgentHost } from "../modules/agent-host";
import { Athena } from "../modules/athena";
import { Catalog } from "../modules/catalog";
import { boundaryArn, CiIdentity } from "../modules/ci-identity";
import { Curate } from "../modules/curate";
import { DataLake } from "../modules/data-lake";
import { AWS_WIF_PROVIDER_ID, RECONCILE_SERVICE_ACCOUNT_ID, wifPoolId } from "../modules/gcp-identity";
import { IngestFunction } from "../modules/ingest-function";
import { KmsKey } from "../modules/kms-key";
import { Monitoring } from "../modules/monitoring";
import { Network } from "../modules/network";
import { ReconcileFunction } from "../modules/reconcile-function";
import { SettingsTable } from "../modules/settings-table";
import { Timestream } from "../modules/timestream";
import { configureBackend } from "./backend";
import { AWS_STACK_IDS, MODULE_ALARM_MOVES } from "./moves";
import {
  ciRoleName,
  curateName,
  ingestFunctionName,
  ingestRoleName,
  reconcileFunctionName,
  reconcileRoleName,
  settingsTableName,
  stateKeyAlias,
} from "./names";
import { AWS_OUTPUTS, declareOutputs } from "./outputs";
import { awsProvider } from "./providers";

export interface AwsStackProps {
  readonly env: EnvironmentConfig;
  /** Ingestion sources: settings items, Glue raw tables. @default [] */
  readonly sources?: SourceConfig[];
  /** Curate transforms (config/transforms.ts): Iceberg tables, settings items, the runner. @default [] */
  readonly transforms?: TransformSpec[];
  /** BigQuery declaration (config/bigquery.ts): its checks get the reconcile Lambda. @default - none */
  readonly bigquery?: BigQuerySettings;
}

export class AwsStack extends TerraformStack {
  readonly key: KmsKey;
  readonly network: Network;
  readonly lake: DataLake;
  readonly catalog: Catalog;
  readonly athena: Athena;
  readonly settings: SettingsTable;
  readonly reconcile?: ReconcileFunction;
  readonly monitoring: Monitoring;
  readonly timestream?: Timestream;
  readonly agentHost?: AgentHost;
  readonly ingest?: IngestFunction;
  readonly curate?: Curate;
  readonly ci: CiIdentity;

  constructor(scope: Construct, id: string, props: AwsStackProps) {
    super(scope, id);
    const { env } = props;
    const sources = props.sources ?? [];
    const transforms = props.transforms ?? [];
    const aws = env.aws;
    const name = `${env.prefix}-${env.name}`;
    const protection = PROTECTION[env.protection];
    this.addOverride(`//.${PROTECTION_METADATA_KEY}`, env.protection);
    configureBackend(this, id, env.name, env.state);
    // Alarms moved from the monitoring construct into their modules: plan them as moves.
    addMovedBlocks(this, MODULE_ALARM_MOVES);
    awsProvider(this, aws.region, aws.accountId, {
      project: env.prefix,
      environment: env.name,
      owner: env.owner,
      costCenter: env.costCenter,
    });

    this.key = new KmsKey(this, "platform-key", {
      alias: `${name}-platform`,
      description: `Data platform key (${env.name})`,
      accountId: aws.accountId,
      region: aws.region,
      services: ["logs", "sns", "cloudwatch", "events", "sqs"],
      protection: env.protection,
    });
    this.monitoring = new Monitoring(this, AWS_STACK_IDS.monitoring, {
      name,
      key: this.key,
      region: aws.region,
      alarmEmails: aws.alarmEmails,
    });
    this.network = new Network(this, "network", {
      name,
      accountId: aws.accountId,
      region: aws.region,
      cidr: aws.vpcCidr,
      availabilityZones: aws.availabilityZones,
      natGateways: aws.natGateways,
      interfaceEndpoints: aws.interfaceEndpoints,
      logKey: this.key,
      flowLogRetentionDays: aws.flowLogRetentionDays,
      // This environment's buckets (`<prefix>-<env>-<account>-*`) plus any configured extra ones.
      s3EndpointBuckets: [bucketName(env, "*"), ...aws.s3EndpointExtraBuckets],
    });
    this.lake = new DataLake(this, "data-lake", {
      bucketName: (suffix) => bucketName(env, suffix),
      accountId: aws.accountId,
      key: this.key,
      rawTransitionDays: aws.dataLake.rawTransitionDays,
      rawArchiveDays: aws.dataLake.rawArchiveDays,
      noncurrentVersionExpiryDays: aws.dataLake.noncurrentVersionExpiryDays,
      athenaResultsExpiryDays: aws.dataLake.athenaResultsExpiryDays,
      iicsStaging: aws.dataLake.iicsStaging,
      forceDestroy: protection.allowForceDestroyData && aws.dataLake.forceDestroy,
      protection: env.protection,
    });
    this.catalog = new Catalog(this, "catalog", {
      namePrefix: name.replace(/-/g, "_"),
      accountId: aws.accountId,
      region: aws.region,
      key: this.key,
      rawBucket: this.lake.raw,
      protection: env.protection,
      sources: sources.map((s) => ({
        id: s.id,
        prefix: s.settings.target.prefix,
        startDate: s.startDate,
        columns: s.columns,
      })),
    });
    this.athena = new Athena(this, "athena", {
      name,
      resultsBucket: this.lake.athenaResults,
      key: this.key,
      bytesScannedCutoffPerQuery: aws.athena.bytesScannedCutoffPerQuery,
      protection: env.protection,
    });
    if (aws.timestream.enabled) {
      this.timestream = new Timestream(this, "timestream", {
        databaseName: `${name}-metrics`,
        key: this.key,
        memoryRetentionHours: aws.timestream.memoryRetentionHours,
        magneticRetentionDays: aws.timestream.magneticRetentionDays,
        protection: env.protection,
      });
    }
    // Reconcile checks resolved to this environment's Glue databases and BigQuery datasets.
    const checks = props.bigquery
      ? resolveChecks(props.bigquery, {
          glueDatabasePrefix: name.replace(/-/g, "_"),
          projectId: env.gcp.projectId,
          datasetIds: env.gcp.datasets,
        })
      : [];
    this.settings = new SettingsTable(this, "settings", {
      tableName: settingsTableName(env.prefix, env.name),
      key: this.key,
      protection: env.protection,
      configItems: Object.fromEntries([
        ...sources.map((s) => [settingsPk.source(s.id), s.settings] as const),
        // The runner reads each transform, its SQL included, from here (reviewed in the PR).
        ...transforms.map((t) => [settingsPk.transform(t.id), { ...t }] as const),
        ...checks.map((c) => [settingsPk.reconcile(c.id), { ...c }] as const),
      ]),
    });

    if (aws.ingest.enabled) {
      this.ingest = new IngestFunction(this, AWS_STACK_IDS.ingest, {
        functionName: ingestFunctionName(env.prefix, env.name),
        roleName: ingestRoleName(env.prefix, env.name),
        accountId: aws.accountId,
        region: aws.region,
        bundle: bundleFunction("saas-ingest"),
        key: this.key,
        settings: this.settings,
        rawBucket: this.lake.raw,
        sources,
        timestream: this.timestream,
        monitoring: this.monitoring,
        memoryMb: aws.ingest.memoryMb,
        timeoutSeconds: aws.ingest.timeoutSeconds,
        reservedConcurrency: aws.ingest.reservedConcurrency,
        heapMb: aws.ingest.heapMb,
        tuning: aws.ingest.tuning,
        logRetentionDays: aws.logRetentionDays,
        eventBusName: "default",
      });
    }

    if (aws.curate.enabled && transforms.length > 0) {
      this.curate = new Curate(this, AWS_STACK_IDS.curate, {
        functionName: curateName(env.prefix, env.name),
        accountId: aws.accountId,
        region: aws.region,
        bundle: bundleFunction("curate"),
        key: this.key,
        settings: this.settings,
        curatedBucket: this.lake.curated,
        athena: this.athena,
        athenaResultsBucket: this.lake.athenaResults,
        catalog: this.catalog,
        sources: sources.map((s) => ({ id: s.id, prefix: s.settings.target.prefix })),
        transforms,
        event: { source: EVENT_SOURCE, detailType: RAW_PUBLISHED },
        monitoring: this.monitoring,
        timestream: this.timestream,
        usdPerTbScanned: aws.curate.usdPerTbScanned,
        queryTimeoutSeconds: aws.curate.queryTimeoutSeconds,
        executionTimeoutSeconds: aws.curate.executionTimeoutSeconds,
        memoryMb: aws.curate.memoryMb,
        reservedConcurrency: aws.curate.reservedConcurrency,
        logRetentionDays: aws.logRetentionDays,
        protection: env.protection,
      });
    }

    if (props.bigquery && checks.length > 0) {
      const gcp = env.gcp;
      if (!gcp.projectNumber)
        throw new ConfigError([
          `${env.name}.gcp.projectNumber: required by the BigQuery reconcile checks (it names the WIF audience)`,
        ]);
      this.reconcile = new ReconcileFunction(this, AWS_STACK_IDS.reconcile, {
        functionName: reconcileFunctionName(env.prefix, env.name),
        roleName: reconcileRoleName(env.prefix, env.name),
        accountId: aws.accountId,
        region: aws.region,
        bundle: bundleFunction("bq-reconcile"),
        key: this.key,
        settings: this.settings,
        athena: this.athena,
        glueDatabases: [...new Set(checks.map((c) => c.athena.database))],
        dataBuckets: [this.lake.raw, this.lake.curated],
        reportBucket: this.lake.curated,
        checkIds: checks.map((c) => c.id),
        gcp: {
          projectId: gcp.projectId,
          projectNumber: gcp.projectNumber,
          location: gcp.location,
          poolId: wifPoolId(name),
          providerId: AWS_WIF_PROVIDER_ID,
          serviceAccountEmail: `${RECONCILE_SERVICE_ACCOUNT_ID}@${gcp.projectId}.iam.gserviceaccount.com`,
        },
        maximumBytesBilled: props.bigquery.reconcile.maximumBytesBilled,
        schedule: {
          expression: props.bigquery.reconcile.schedule,
          timezone: props.bigquery.reconcile.timezone,
          runDateOffsetDays: props.bigquery.reconcile.runDateOffsetDays,
        },
        monitoring: this.monitoring,
        logRetentionDays: aws.logRetentionDays,
      });
    }

    const state = env.state;
    this.ci = new CiIdentity(this, "ci", {
      name,
      environment: env.name,
      accountId: aws.accountId,
      region: aws.region,
      repository: env.github.repository,
      settingsTableName: settingsTableName(env.prefix, env.name),
      roleNames: {
        plan: ciRoleName(env.prefix, env.name, "plan"),
        apply: ciRoleName(env.prefix, env.name, "apply"),
      },
      // The environment's own state store, in this account (its `<prefix>-bootstrap-<env>` stack).
      state:
        state.type === "s3"
          ? {
              bucket: state.bucket,
              region: state.region,
              accountId: aws.accountId,
              environment: env.name,
              kmsAlias: `alias/${stateKeyAlias(env.prefix, env.name)}`,
              lockTable: state.lock === "dynamodb" ? state.dynamodbTable : undefined,
            }
          : undefined,
    });
    // Every role of the stack carries the boundary: the apply role can create no role without it.
    const boundary = boundaryArn(aws.accountId, name);
    Aspects.of(this).add({
      visit: (node) => {
        if (node instanceof IamRole) node.permissionsBoundary = boundary;
      },
    });

    if (aws.agentHost.enabled) {
      const host = aws.agentHost;
      this.agentHost = new AgentHost(this, AWS_STACK_IDS.agentHost, {
        name,
        accountId: aws.accountId,
        region: aws.region,
        vpcId: this.network.vpc.id,
        subnetId: this.network.privateSubnetIds[0],
        availabilityZone: aws.availabilityZones[0],
        instanceType: host.instanceType,
        amiId: host.amiId,
        rootVolume: host.rootVolume,
        dataVolume: host.dataVolume,
        key: this.key,
        transcriptsBucketName: bucketName(env, "session-transcripts"),
        accessLogsBucket: this.lake.accessLogs,
        idleSessionTimeoutMinutes: host.idleSessionTimeoutMinutes,
        runAsUser: host.runAsUser,
        logRetentionDays: aws.logRetentionDays,
        monitoring: this.monitoring,
        ebsAlarmUtilizationPercent: host.ebsAlarmUtilizationPercent,
        protection: env.protection,
      });
      // The Secure Agent reads and writes the lake (IICS mappings), nothing else.
      this.lake.raw.grantRead(this.agentHost.role);
      this.lake.curated.grantReadWrite(this.agentHost.role);
      if (this.lake.iicsStaging) this.lake.iicsStaging.grantReadWrite(this.agentHost.role);
    }

    declareOutputs(this, AWS_OUTPUTS, {
      vpc_id: this.network.vpc.id,
      private_subnet_ids: this.network.privateSubnetIds,
      raw_bucket: this.lake.raw.bucketName,
      curated_bucket: this.lake.curated.bucketName,
      athena_results_bucket: this.lake.athenaResults.bucketName,
      access_logs_bucket: this.lake.accessLogs.bucketName,
      iics_staging_bucket: this.lake.iicsStaging?.bucketName,
      raw_database: this.catalog.rawDatabase.name,
      curated_database: this.catalog.curatedDatabase.name,
      athena_workgroup: this.athena.workgroup.name,
      settings_table: this.settings.table.name,
      alarm_topic_arn: this.monitoring.topic.arn,
      timestream_database: this.timestream?.database.databaseName,
      timestream_table: this.timestream?.table.tableName,
      ingest_function_name: this.ingest?.fn.functionName,
      ingest_role_arn: this.ingest?.role.arn,
      curate_state_machine_arn: this.curate?.stateMachine.arn,
      curate_function_name: this.curate?.fn.functionName,
      reconcile_function_name: this.reconcile?.fn.functionName,
      reconcile_role_arn: this.reconcile?.role.arn,
      ci_plan_role_arn: this.ci.planRole.arn,
      ci_apply_role_arn: this.ci.applyRole.arn,
      agent_instance_id: this.agentHost?.instance.id,
      agent_start_session: this.agentHost
        ? `aws ssm start-session --target ${this.agentHost.instance.id} --region ${aws.region}`
        : undefined,
    });
  }
}
