/**
 * Names agreed between a function (which reads or emits them) and its module (which sets them or
 * alarms on them): each written once, here. Pure constants: the function bundles import this
 * file, so it never imports cdktf or a provider. `modules/pipeline-function/contracts.test.ts`
 * synthesizes each module and checks it sets every variable its handler requires and alarms
 * only on metrics the function emits.
 */

/** Environment variables every pipeline function may read. */
export const COMMON_ENV = {
  /** The settings table (DynamoDB): settings items, run records, results. */
  configTable: "CONFIG_TABLE_NAME",
  /** Optional Timestream sink for run metrics (both or neither). */
  timestreamDatabase: "TIMESTREAM_DATABASE_NAME",
  timestreamTable: "TIMESTREAM_TABLE_NAME",
  /** Powertools: the `service` dimension and logger key. */
  serviceName: "POWERTOOLS_SERVICE_NAME",
  /** Powertools: the EMF namespace. */
  metricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
  nodeOptions: "NODE_OPTIONS",
} as const;

/** functions/saas-ingest. */
export const INGEST_ENV = {
  rawBucket: "RAW_BUCKET_NAME",
  /** EventBridge bus each publish is announced on; unset: nothing announced. */
  eventBus: "EVENT_BUS_NAME",
  // The tuning variables (HTTP_MAX_ATTEMPTS, …) are named in functions/saas-ingest/tuning.ts.
} as const;

/** functions/curate. */
export const CURATE_ENV = {
  /** JSON `[{ id, dependsOn }]`. */
  graph: "CURATE_GRAPH",
  rawDatabase: "RAW_DATABASE",
  curatedDatabase: "CURATED_DATABASE",
  curatedBucket: "CURATED_BUCKET",
  stateMachineArn: "STATE_MACHINE_ARN",
  usdPerTbScanned: "USD_PER_TB_SCANNED",
} as const;

/** functions/bq-reconcile. */
export const RECONCILE_ENV = {
  reportBucket: "REPORT_BUCKET_NAME",
  /** Comma-separated check ids. */
  checkIds: "RECONCILE_CHECK_IDS",
  athenaWorkgroup: "ATHENA_WORKGROUP",
  gcpProjectId: "GCP_PROJECT_ID",
  bqLocation: "BQ_LOCATION",
  bqMaximumBytesBilled: "BQ_MAXIMUM_BYTES_BILLED",
  /** The external-account credential configuration (no key material). */
  googleExternalAccount: "GOOGLE_EXTERNAL_ACCOUNT",
  runDateOffsetDays: "RUN_DATE_OFFSET_DAYS",
  runDateTimezone: "RUN_DATE_TIMEZONE",
} as const;

/** Variables each handler fails without (the module must set every one). */
export const REQUIRED_ENV = {
  ingest: [COMMON_ENV.configTable, INGEST_ENV.rawBucket],
  curate: [
    COMMON_ENV.configTable,
    CURATE_ENV.graph,
    CURATE_ENV.rawDatabase,
    CURATE_ENV.curatedDatabase,
    CURATE_ENV.curatedBucket,
    CURATE_ENV.stateMachineArn,
  ],
  reconcile: [
    COMMON_ENV.configTable,
    RECONCILE_ENV.reportBucket,
    RECONCILE_ENV.checkIds,
    RECONCILE_ENV.athenaWorkgroup,
    RECONCILE_ENV.gcpProjectId,
    RECONCILE_ENV.bqLocation,
    RECONCILE_ENV.googleExternalAccount,
  ],
} as const;

/** Per-run metrics every pipeline function emits (functions/shared/metrics.ts): 1 per run. */
export const RUN_METRICS = { succeeded: "runSucceeded", failed: "runFailed" } as const;

/** EMF namespace, `service` dimension and the metrics alarms read, per function. */
export const INGEST_METRICS = {
  namespace: "DataPlatform/Ingest",
  service: "saas-ingest",
  /** Dimension naming the source. */
  sourceDimension: "sourceId",
} as const;

export const CURATE_METRICS = {
  namespace: "DataPlatform/Curate",
  service: "curate",
  /** Dimension naming the transform. */
  transformDimension: "transform",
} as const;

export const RECONCILE_METRICS = {
  namespace: "DataPlatform/Reconcile",
  service: "bq-reconcile",
  /** Dimension naming the check. */
  checkDimension: "checkId",
  /** Measures of each check's run (core/reconcile.ts). */
  checkFailed: "checkFailed",
  stale: "stale",
  checkErrored: "checkErrored",
  difference: "difference",
  latenessHours: "latenessHours",
} as const;

/** EventBridge `source` and `detail-type` of ingestion's publish event (functions/shared/events.ts). */
export const EVENT_SOURCE = "data-platform-kit.ingest";
export const RAW_PUBLISHED = "RawPartitionPublished";
