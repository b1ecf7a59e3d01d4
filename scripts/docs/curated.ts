/**
 * Facts about curated tables that Terraform does not carry (strategy, primary key, checks), read
 * from the validated transform list when the project has one.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CuratedFacts } from "./sections";

export function curatedFacts(root = join(__dirname, "..", "..")): CuratedFacts[] {
  const file = join(root, "config", "transforms.ts");
  if (!existsSync(file)) return [];
  // biome-ignore lint/suspicious/noExplicitAny: the list's type belongs to the curate capability
  const mod: any = require(file);
  const list: unknown = mod.transforms ?? mod.default;
  if (!Array.isArray(list)) return [];
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return list.map((x: any) => ({
    id: String(x.id),
    table: String(x.target?.table ?? x.id),
    strategy: String(x.strategy ?? "-"),
    primaryKey: [x.target?.primaryKey ?? []].flat().map(String),
    dependsOn: [x.dependsOn ?? []].flat().map(String),
    checks: [
      ...[x.checks?.notNull ?? []].flat().map((c: string) => `not null: ${c}`),
      ...[x.checks?.unique ?? []].flat().map((c: string | string[]) => `unique: ${[c].flat().join(", ")}`),
      ...(x.checks?.minRows !== undefined ? [`min rows: ${x.checks.minRows}`] : []),
    ],
  }));
}
