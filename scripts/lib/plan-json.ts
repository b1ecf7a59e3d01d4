/** The parts of `terraform show -json <plan>` that summaries read. */
export interface PlanResourceChange {
  address: string;
  type: string;
  mode?: string;
  action_reason?: string;
  previous_address?: string;
  change: {
    actions: string[];
    replace_paths?: unknown[];
    importing?: unknown;
  };
}

export interface PlanJson {
  format_version?: string;
  resource_changes?: PlanResourceChange[];
  resource_drift?: PlanResourceChange[];
  output_changes?: Record<string, { actions: string[] }>;
  errored?: boolean;
}

export type ChangeKind = "create" | "update" | "replace" | "delete" | "read" | "no-op";

export function changeKind(actions: string[]): ChangeKind {
  if (actions.includes("create") && actions.includes("delete")) return "replace";
  if (actions.includes("create")) return "create";
  if (actions.includes("delete")) return "delete";
  if (actions.includes("update")) return "update";
  if (actions.includes("read")) return "read";
  return "no-op";
}

export interface PlanCounts {
  add: number;
  change: number;
  destroy: number;
  replace: number;
  moved: number;
  imported: number;
}

/** Counts as Terraform's "Plan: N to add, N to change, N to destroy" line (a replace is +1 add, +1 destroy). */
export function countChanges(plan: PlanJson): PlanCounts {
  const c: PlanCounts = { add: 0, change: 0, destroy: 0, replace: 0, moved: 0, imported: 0 };
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const kind = changeKind(rc.change.actions);
    if (kind === "create") c.add++;
    else if (kind === "update") c.change++;
    else if (kind === "delete") c.destroy++;
    else if (kind === "replace") {
      c.replace++;
      c.add++;
      c.destroy++;
    }
    if (rc.previous_address && rc.previous_address !== rc.address) c.moved++;
    if (rc.change.importing) c.imported++;
  }
  return c;
}
