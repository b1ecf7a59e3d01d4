/**
 * The typed declaration of the BigQuery side of IICS: target tables (per dataset layer) and the
 * reconciliation checks that compare a curated Athena table with its BigQuery target.
 *
 * Validated once, at the edge: every problem is collected and names the table (or check) and the
 * field, e.g. `bigquery.tables[dwh.orders].clustering[0]: "amount" is FLOAT64, which BigQuery
 * cannot cluster on`.
 */
import { z } from "zod";
import { scheduleExpression, timeZone } from "./schema";

/** Dataset layers (ids per environment come from `gcp.datasets`). */
export const BQ_LAYERS = ["staging", "dwh", "mart"] as const;
export type BqLayer = (typeof BQ_LAYERS)[number];

export const BQ_TYPES = [
  "STRING",
  "BYTES",
  "INT64",
  "FLOAT64",
  "NUMERIC",
  "BIGNUMERIC",
  "BOOL",
  "DATE",
  "DATETIME",
  "TIME",
  "TIMESTAMP",
  "GEOGRAPHY",
  "JSON",
] as const;
export type BqType = (typeof BQ_TYPES)[number];

/** Types BigQuery can cluster on (FLOAT64, JSON, BYTES and TIME cannot be clustering columns). */
export const CLUSTERABLE: ReadonlySet<BqType> = new Set([
  "STRING",
  "INT64",
  "NUMERIC",
  "BIGNUMERIC",
  "BOOL",
  "DATE",
  "DATETIME",
  "TIMESTAMP",
  "GEOGRAPHY",
]);
/** Types a time-partitioning column may have. */
export const PARTITIONABLE: ReadonlySet<BqType> = new Set(["DATE", "TIMESTAMP", "DATETIME"]);
export const MAX_CLUSTERING_COLUMNS = 4;

const identifier = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,299}$/,
    "must be letters, digits, underscores (not starting with a digit)",
  );
const tableId = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,1024}$/, "must be a BigQuery table id (letters, digits, underscores)");
/** GCP label keys/values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
const labels = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "label keys must be lowercase, start with a letter, ≤ 63"),
    z.string().regex(/^[a-z0-9_-]{0,63}$/, "label values must be lowercase letters, digits, _ or -, ≤ 63"),
  )
  .default({});

export const bqColumnSchema = z.object({
  name: identifier,
  type: z.enum(BQ_TYPES),
  /** @default "NULLABLE" */
  mode: z.enum(["NULLABLE", "REQUIRED", "REPEATED"]).default("NULLABLE"),
  description: z.string().max(1024).optional(),
});

export const bqTableSchema = z.object({
  dataset: z.enum(BQ_LAYERS),
  table: tableId,
  description: z.string().min(1, "describe what the table holds").max(16384),
  columns: z.array(bqColumnSchema).min(1),
  /** Time partitioning; without `column`, ingestion-time partitioning (`_PARTITIONTIME`). */
  partitioning: z
    .object({
      column: identifier.optional(),
      type: z.enum(["HOUR", "DAY", "MONTH", "YEAR"]).default("DAY"),
      /** Partitions older than this are deleted. @default - kept */
      expirationDays: z.number().int().min(1).optional(),
    })
    .optional(),
  /** Up to 4 clustering columns, in order. @default [] */
  clustering: z.array(identifier).default([]),
  /** Refuse queries without a partition filter. @default true when partitioned */
  requirePartitionFilter: z.boolean().optional(),
  labels,
});

/** One reconciliation: rows for a run date in Athena against rows for that date in BigQuery. */
export const reconcileCheckSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, "must be lowercase letters, digits, _ or -"),
  athena: z.object({
    /** `raw` / `curated` (the env's Glue databases) or a database name. */
    database: z.string().regex(/^[a-z0-9_]{1,255}$/),
    table: z.string().regex(/^[a-z0-9_]{1,255}$/),
    /** Column holding the run date (`YYYY-MM-DD` string or DATE). */
    dateColumn: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  }),
  bigquery: z.object({ dataset: z.enum(BQ_LAYERS), table: tableId, dateColumn: identifier }),
  /** A difference within either bound passes; both absent means counts must be equal. */
  tolerance: z
    .object({ rows: z.number().int().min(0).optional(), percent: z.number().min(0).max(100).optional() })
    .default({}),
  /** The BigQuery table must have been modified within this many hours of the check. */
  freshnessHours: z
    .number()
    .positive()
    .max(24 * 31),
});

export const bigquerySettingsSchema = z.object({
  /** Reconcile schedule (EventBridge Scheduler), after the IICS load window. */
  reconcile: z
    .object({
      schedule: scheduleExpression,
      timezone: timeZone.default("Asia/Tokyo"),
      /** Which day the scheduled run checks: 1 = yesterday (loads of the previous day). */
      runDateOffsetDays: z.number().int().min(0).max(31).default(1),
      /** Cap on the bytes one BigQuery count query may bill. @default 1 GiB */
      maximumBytesBilled: z
        .number()
        .int()
        .min(10 * 1024 ** 2)
        .default(1024 ** 3),
    })
    .prefault({ schedule: "cron(0 9 * * ? *)" }),
  tables: z.array(bqTableSchema).default([]),
  checks: z.array(reconcileCheckSchema).default([]),
});

/** How IICS loads one curated table (a transform of config/transforms.ts) to BigQuery. */
export const curatedLoadSchema = z.object({
  /** @default "dwh" */
  dataset: z.enum(BQ_LAYERS).optional(),
  /** @default the curated table id */
  table: tableId.optional(),
  partitioning: bqTableSchema.shape.partitioning,
  clustering: z.array(identifier).optional(),
  requirePartitionFilter: z.boolean().optional(),
  labels: labels.optional(),
  /** Columns that must be REQUIRED in BigQuery. @default [] */
  required: z.array(identifier).optional(),
  /** Athena type to map instead of the curated one, per column (what IICS converts). @default {} */
  types: z.record(z.string(), z.string().min(1)).optional(),
});

/** The reviewed declaration (config/bigquery.ts): curated loads plus hand-written tables. */
export const bigqueryDeclarationSchema = bigquerySettingsSchema.extend({
  /** Curated tables IICS loads, by transform id; their tables are generated. @default {} */
  loads: z.record(z.string(), curatedLoadSchema).default({}),
});

export type BqColumn = z.output<typeof bqColumnSchema>;
export type BqTable = z.output<typeof bqTableSchema>;
export type BqTableInput = z.input<typeof bqTableSchema>;
export type ReconcileCheck = z.output<typeof reconcileCheckSchema>;
export type ReconcileCheckInput = z.input<typeof reconcileCheckSchema>;
export type BigQuerySettings = z.output<typeof bigquerySettingsSchema>;
export type BigQuerySettingsInput = z.input<typeof bigquerySettingsSchema>;
export type BigQueryDeclarationInput = z.input<typeof bigqueryDeclarationSchema>;
export type CuratedLoadInput = z.input<typeof curatedLoadSchema>;
