/**
 * Facts about curated tables that Terraform does not carry (strategy, primary key, checks), from
 * the validated transform list.
 */
import { loadCurateConfig } from "../../config/curate";
import type { CheckFacts, CuratedFacts } from "./sections";

export function curatedFacts(): CuratedFacts[] {
  return loadCurateConfig().transforms.map((t) => ({
    id: t.id,
    table: t.table,
    strategy: t.strategy,
    primaryKey: [...t.target.primaryKey],
    dependsOn: [...t.dependsOn],
    checks: [
      ...t.checks.notNull.map((c) => `not null: ${c}`),
      ...t.checks.unique.map((c) => `unique: ${[c].flat().join(", ")}`),
      ...(t.checks.minRows !== undefined ? [`min rows: ${t.checks.minRows}`] : []),
    ],
  }));
}

/** The reconciliation checks (config/bigquery.ts), for the batch list. */
export function checkFacts(): CheckFacts[] {
  const { loadAppConfig } = require("../../config") as typeof import("../../config");
  const { bigquery } = loadAppConfig({}).lists;
  return bigquery.checks.map((c) => ({
    id: c.id,
    athena: `${c.athena.database}.${c.athena.table}`,
    bigquery: `${c.bigquery.dataset}.${c.bigquery.table}`,
  }));
}
