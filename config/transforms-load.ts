/**
 * Curate transforms beyond their schema (the `check` of the `transforms` list, and the SQL the
 * stacks and the runner use). Every problem names the transform id and the field:
 * - its SQL file: present, one SELECT, parameters only `:run_date` and only in WHERE clauses,
 *   every `raw.<x>` / `curated.<y>` it reads declared in `dependsOn`;
 * - the graph: unknown ids, ids shared with sources, cycles (named in order), table names.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type GraphProblem, graphProblems } from "../functions/curate/core/graph";
import type { TransformConfig, TransformSpec } from "../functions/curate/core/spec";
import {
  assertSingleSelect,
  parameterNames,
  parameterPlacementProblems,
  tableReferences,
} from "../functions/curate/core/sql";
import { ConfigError } from "./problems";

export const TRANSFORMS_DIR = resolve(__dirname, "..", "transforms");
export const RUN_PARAMETERS = ["run_date"] as const;

/** The SQL of a transform, or the problem with its file. */
function readSql(t: TransformConfig, sqlDir: string): { sqlText?: string; problems: string[] } {
  const file = join(sqlDir, t.sql);
  if (!existsSync(file)) return { problems: [`file transforms/${t.sql} does not exist`] };
  let sqlText: string;
  try {
    sqlText = assertSingleSelect(readFileSync(file, "utf8"));
  } catch (e) {
    return { problems: [`transforms/${t.sql}: ${(e as Error).message}`] };
  }
  const problems: string[] = [];
  for (const p of parameterNames(sqlText)) {
    if (!(RUN_PARAMETERS as readonly string[]).includes(p))
      problems.push(
        `unknown parameter :${p} (the runner binds ${RUN_PARAMETERS.map((n) => `:${n}`).join(", ")})`,
      );
  }
  problems.push(...parameterPlacementProblems(sqlText));
  return { sqlText, problems };
}

/** Every problem of validated entries against the sources, by transform id and field. */
export function transformProblems(
  entries: readonly TransformConfig[],
  sourceIds: readonly string[],
  sqlDir: string = TRANSFORMS_DIR,
): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const specs: Array<TransformConfig & { table: string; sqlText?: string }> = [];
  for (const t of entries) {
    const r = readSql(t, sqlDir);
    for (const message of r.problems) problems.push({ id: t.id, field: "sql", message });
    specs.push({ ...t, table: t.target.table ?? t.id, sqlText: r.sqlText });
  }
  problems.push(...graphProblems(specs, sourceIds));
  const byTable = new Map<string, string>();
  for (const t of specs) {
    const other = byTable.get(t.table);
    if (other)
      problems.push({
        id: t.id,
        field: "target.table",
        message: `"${t.table}" is also the table of ${other}`,
      });
    byTable.set(t.table, t.id);
    if (!t.sqlText) continue;
    for (const ref of tableReferences(t.sqlText)) {
      if (ref.schema === "raw" && !t.dependsOn.includes(ref.table)) {
        problems.push({
          id: t.id,
          field: "dependsOn",
          message: `the SQL reads raw.${ref.table}; add "${ref.table}" to dependsOn`,
        });
      }
      if (ref.schema === "curated") {
        const producer = specs.find((o) => o.table === ref.table);
        if (!producer)
          problems.push({
            id: t.id,
            field: "sql",
            message: `reads curated.${ref.table}, which no transform writes`,
          });
        else if (!t.dependsOn.includes(producer.id))
          problems.push({
            id: t.id,
            field: "dependsOn",
            message: `the SQL reads curated.${ref.table}; add "${producer.id}" to dependsOn`,
          });
      }
    }
  }
  return problems;
}

/** Validated entries with their table name and SQL text (what Terraform writes and the runner reads). */
export function transformSpecs(
  entries: readonly TransformConfig[],
  sqlDir: string = TRANSFORMS_DIR,
): TransformSpec[] {
  return entries.map((t) => {
    const r = readSql(t, sqlDir);
    if (!r.sqlText || r.problems.length > 0)
      throw new ConfigError(r.problems.map((p) => `transforms[${t.id}].sql: ${p}`));
    return { ...t, table: t.target.table ?? t.id, sqlText: r.sqlText };
  });
}
