/**
 * Validates the curate transforms once, at synth, against the sources; every problem is
 * collected and thrown once, naming the transform id and the field:
 * - each entry against the schema (functions/curate/core/spec.ts);
 * - its SQL file: present, one SELECT, parameters only `:run_date` and only in WHERE clauses,
 *   every `raw.<x>` / `curated.<y>` it reads declared in `dependsOn`;
 * - the graph: unknown ids, ids shared with sources, cycles (named in order), table names.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { z } from "zod";
import { graphProblems } from "../functions/curate/core/graph";
import { type TransformSpec, transformSchema } from "../functions/curate/core/spec";
import {
  assertSingleSelect,
  parameterNames,
  parameterPlacementProblems,
  tableReferences,
} from "../functions/curate/core/sql";
import { ConfigError } from "./load";

export const TRANSFORMS_DIR = resolve(__dirname, "..", "transforms");
export const RUN_PARAMETERS = ["run_date"] as const;

function zodProblems(where: string, error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const path = [where, ...i.path.map(String)].join(".");
    const received = "input" in i && i.input !== undefined ? ` (got ${JSON.stringify(i.input)})` : "";
    return `${path}: ${i.message}${received}`;
  });
}

export function loadTransforms(
  raw: unknown[],
  sources: ReadonlyArray<{ id: string }>,
  sqlDir: string = TRANSFORMS_DIR,
): TransformSpec[] {
  const problems: string[] = [];
  const out: TransformSpec[] = [];
  raw.forEach((input, i) => {
    const rawId = (input as { id?: unknown })?.id;
    const where = `transforms.${typeof rawId === "string" && rawId ? rawId : i}`;
    const parsed = transformSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) {
      problems.push(...zodProblems(where, parsed.error));
      return;
    }
    const t = parsed.data;
    const file = join(sqlDir, t.sql);
    if (!existsSync(file)) {
      problems.push(`${where}.sql: file transforms/${t.sql} does not exist`);
      return;
    }
    let sqlText: string;
    try {
      sqlText = assertSingleSelect(readFileSync(file, "utf8"));
    } catch (e) {
      problems.push(`${where}.sql: transforms/${t.sql}: ${(e as Error).message}`);
      return;
    }
    for (const p of parameterNames(sqlText)) {
      if (!(RUN_PARAMETERS as readonly string[]).includes(p))
        problems.push(
          `${where}.sql: unknown parameter :${p} (the runner binds ${RUN_PARAMETERS.map((n) => `:${n}`).join(", ")})`,
        );
    }
    for (const p of parameterPlacementProblems(sqlText)) problems.push(`${where}.sql: ${p}`);
    out.push({ ...t, table: t.target.table ?? t.id, sqlText });
  });
  const sourceIds = sources.map((s) => s.id);
  problems.push(...graphProblems(out, sourceIds));
  const byTable = new Map<string, string>();
  for (const t of out) {
    const other = byTable.get(t.table);
    if (other) problems.push(`transforms.${t.id}.target.table: "${t.table}" is also the table of ${other}`);
    byTable.set(t.table, t.id);
    for (const ref of tableReferences(t.sqlText)) {
      if (ref.schema === "raw" && !t.dependsOn.includes(ref.table)) {
        problems.push(
          `transforms.${t.id}.dependsOn: the SQL reads raw.${ref.table}; add "${ref.table}" to dependsOn`,
        );
      }
      if (ref.schema === "curated") {
        const producer = out.find((o) => o.table === ref.table);
        if (!producer)
          problems.push(`transforms.${t.id}.sql: reads curated.${ref.table}, which no transform writes`);
        else if (!t.dependsOn.includes(producer.id))
          problems.push(
            `transforms.${t.id}.dependsOn: the SQL reads curated.${ref.table}; add "${producer.id}" to dependsOn`,
          );
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}
