/**
 * A transform as a data engineer declares it (config/transforms.ts) and as the runner reads it
 * (the settings item `pk = "transform#<id>"`, `sk = "config"`, written by Terraform).
 */
import { z } from "zod";

const ident = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be lowercase letters, digits, underscores");

/** Column types the Iceberg tables accept (Athena DDL names); DuckDB maps each in dev/. */
export const COLUMN_TYPES = [
  "string",
  "boolean",
  "int",
  "bigint",
  "double",
  "float",
  "date",
  "timestamp",
] as const;
export const columnTypeSchema = z
  .string()
  .refine(
    (v) => (COLUMN_TYPES as readonly string[]).includes(v) || /^decimal\(\d{1,2},\d{1,2}\)$/.test(v),
    `must be one of ${COLUMN_TYPES.join(", ")} or decimal(p,s)`,
  );

export const STRATEGIES = ["merge", "replace-partition", "append"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const transformSchema = z
  .object({
    /** Unique id; also the curated table's default name. */
    id: ident,
    /** SQL file under transforms/ holding one SELECT; `:run_date` is bound by the runner. */
    sql: z.string().regex(/^[a-z0-9_]+\.sql$/, "must be a file name such as orders_enriched.sql"),
    /** Source ids and/or transform ids this transform reads. */
    dependsOn: z.array(ident).min(1, "must name at least one source or transform"),
    target: z.object({
      /** Curated table name. @default - the transform id */
      table: ident.optional(),
      /** Columns of the curated table, in order (declared: Terraform creates the table). */
      columns: z.array(z.object({ name: ident, type: columnTypeSchema })).min(1),
      primaryKey: z.array(ident).min(1),
      /** Identity partition column (must be a declared column). Required by replace-partition. */
      partitionBy: ident.optional(),
    }),
    /** merge: upsert by primary key. replace-partition: the run date's partition is replaced.
     * append: rows whose primary key is not in the table yet are inserted (never updated). */
    strategy: z.enum(STRATEGIES),
    checks: z
      .object({
        notNull: z.array(ident).default([]),
        /** Each entry: one column or a list of columns unique together. */
        unique: z.array(z.union([ident, z.array(ident).min(1)])).default([]),
        minRows: z.number().int().min(0).optional(),
      })
      .prefault({}),
    /** EventBridge Scheduler expression to also run on a clock, e.g. cron(0 5 * * ? *). */
    schedule: z
      .string()
      .regex(/^(cron|rate)\(.+\)$/, "must be cron(...) or rate(...)")
      .optional(),
    /** Timezone of `schedule` (IANA). @default "Asia/Tokyo" */
    scheduleTimezone: z.string().default("Asia/Tokyo"),
  })
  .superRefine((t, ctx) => {
    const cols = new Set(t.target.columns.map((c) => c.name));
    const known = (path: (string | number)[], name: string) => {
      if (!cols.has(name))
        ctx.addIssue({
          code: "custom",
          path,
          message: `"${name}" is not a column of target.columns`,
          input: undefined,
        });
    };
    t.target.primaryKey.forEach((c, i) => {
      known(["target", "primaryKey", i], c);
    });
    if (t.target.partitionBy) known(["target", "partitionBy"], t.target.partitionBy);
    t.checks.notNull.forEach((c, i) => {
      known(["checks", "notNull", i], c);
    });
    t.checks.unique.forEach((u, i) => {
      for (const c of Array.isArray(u) ? u : [u]) known(["checks", "unique", i], c);
    });
    const seen = new Set<string>();
    t.target.columns.forEach((c, i) => {
      if (seen.has(c.name))
        ctx.addIssue({
          code: "custom",
          path: ["target", "columns", i, "name"],
          message: `"${c.name}" is declared twice`,
          input: undefined,
        });
      seen.add(c.name);
    });
    if (t.strategy === "replace-partition" && !t.target.partitionBy) {
      ctx.addIssue({
        code: "custom",
        path: ["target", "partitionBy"],
        message: 'required when strategy is "replace-partition" (the column holding the run date)',
        input: undefined,
      });
    }
  });

export type TransformInput = z.input<typeof transformSchema>;
export type TransformConfig = z.output<typeof transformSchema>;

/** What the runner reads from the settings item: the config plus the SQL text. */
export type TransformSpec = TransformConfig & { table: string; sqlText: string };

/** Every check as the runner evaluates it: primary key columns are always not-null and unique. */
export interface CheckSpec {
  name: string;
  kind: "notNull" | "unique" | "minRows" | "partition";
  columns: string[];
  min?: number;
}

export function checkSpecs(t: Pick<TransformSpec, "checks" | "target" | "strategy">): CheckSpec[] {
  const out: CheckSpec[] = [];
  const notNull = [...new Set([...t.target.primaryKey, ...t.checks.notNull])];
  for (const c of notNull) out.push({ name: `notNull(${c})`, kind: "notNull", columns: [c] });
  const uniques = [t.target.primaryKey, ...t.checks.unique.map((u) => (Array.isArray(u) ? u : [u]))];
  const seen = new Set<string>();
  for (const cols of uniques) {
    const key = cols.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: `unique(${key})`, kind: "unique", columns: cols });
  }
  if (t.strategy === "replace-partition" && t.target.partitionBy) {
    const c = t.target.partitionBy;
    out.push({ name: `partition(${c} = run_date)`, kind: "partition", columns: [c] });
  }
  if (t.checks.minRows !== undefined)
    out.push({ name: `minRows(${t.checks.minRows})`, kind: "minRows", columns: [], min: t.checks.minRows });
  return out;
}
