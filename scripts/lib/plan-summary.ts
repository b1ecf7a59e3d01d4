/**
 * Renders one Markdown pull-request comment from the plan JSON of one or more stacks:
 * hidden marker (sticky comment), deletion/replacement warning first, a count table, then per
 * stack collapsed details grouped by action, and drift. Never longer than GitHub's 65,536
 * characters: details are cut (with a note and the artifact link), the warning and table never.
 */
import {
  changeKind,
  countChanges,
  type PlanCounts,
  type PlanJson,
  type PlanResourceChange,
} from "./plan-json";

export const MARKER = "<!-- dp-plan-summary -->";
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface StackPlan {
  label: string;
  plan: PlanJson;
}

export interface RenderOptions {
  /** Link to the CI run (where the full plans are uploaded as artifacts). */
  runUrl?: string;
  /** @default 65536 */
  limit?: number;
  /** Lines shown under the table and never cut (e.g. which design-document sections changed). */
  notes?: string[];
}

const GROUPS = ["create", "update", "replace", "delete", "moved", "imported"] as const;
type Group = (typeof GROUPS)[number];
const GROUP_TITLE: Record<Group, string> = {
  create: "➕ create",
  update: "🔧 update in place",
  replace: "♻️ replace",
  delete: "🗑️ destroy",
  moved: "🚚 moved",
  imported: "📥 imported",
};

export function groupsOf(plan: PlanJson): Record<Group, PlanResourceChange[]> {
  const g: Record<Group, PlanResourceChange[]> = {
    create: [],
    update: [],
    replace: [],
    delete: [],
    moved: [],
    imported: [],
  };
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const kind = changeKind(rc.change.actions);
    if (kind === "create" || kind === "update" || kind === "replace" || kind === "delete") g[kind].push(rc);
    if (rc.previous_address && rc.previous_address !== rc.address) g.moved.push(rc);
    if (rc.change.importing) g.imported.push(rc);
  }
  return g;
}

function replaceReason(rc: PlanResourceChange): string {
  const parts: string[] = [];
  if (rc.action_reason) parts.push(rc.action_reason.replace(/^replace_because_/, "").replace(/_/g, " "));
  const paths = (rc.change.replace_paths ?? []).map((p) => (Array.isArray(p) ? p.join(".") : String(p)));
  if (paths.length) parts.push(`forced by ${paths.map((p) => `\`${p}\``).join(", ")}`);
  return parts.length ? ` — ${parts.join("; ")}` : "";
}

const esc = (s: string) => s.replace(/[<>|]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "|": "\\|" })[c] ?? c);

export function isNoChange(c: PlanCounts): boolean {
  return c.add + c.change + c.destroy + c.replace + c.moved + c.imported === 0;
}

/** Outcome labels, like tfcmt: destroy / add-or-update / no-changes / error. */
export function outcomeLabels(stacks: StackPlan[]): string[] {
  if (stacks.some((s) => s.plan.errored)) return ["terraform:plan-error"];
  const counts = stacks.map((s) => countChanges(s.plan));
  if (counts.some((c) => c.destroy > 0)) return ["terraform:destroy"];
  if (counts.every(isNoChange) && stacks.every((s) => (s.plan.resource_drift ?? []).length === 0))
    return ["terraform:no-changes"];
  return ["terraform:add-or-update"];
}

export function renderSummary(stacks: StackPlan[], options: RenderOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const head: string[] = [MARKER, "## Terraform plan", ""];
  if (options.runUrl)
    head.push(`[CI run](${options.runUrl}) · full plans are attached to the run as artifacts`, "");

  const dangerous = stacks.flatMap((s) => {
    const g = groupsOf(s.plan);
    return [
      ...g.delete.map((rc) => `- \`${s.label}\`: **destroy** \`${esc(rc.address)}\``),
      ...g.replace.map((rc) => `- \`${s.label}\`: **replace** \`${esc(rc.address)}\`${replaceReason(rc)}`),
    ];
  });
  if (dangerous.length) {
    head.push(
      "> [!WARNING]",
      `> **${dangerous.length} resource(s) will be destroyed or replaced:**`,
      ...dangerous.map((l) => `> ${l}`),
      "",
    );
  }
  const errored = stacks.filter((s) => s.plan.errored);
  if (errored.length)
    head.push("> [!CAUTION]", `> Plan failed for: ${errored.map((s) => `\`${s.label}\``).join(", ")}`, "");

  const rows = stacks.map((s) => {
    const c = countChanges(s.plan);
    const drift = (s.plan.resource_drift ?? []).length;
    const status = s.plan.errored
      ? "❌ error"
      : isNoChange(c)
        ? "✅ no changes"
        : c.destroy > 0
          ? "⚠️ destroys"
          : "📝 changes";
    return `| \`${s.label}\` | ${c.add} | ${c.change} | ${c.destroy} | ${c.replace} | ${drift} | ${status} |`;
  });
  const allNoChange = stacks.every((s) => !s.plan.errored && isNoChange(countChanges(s.plan)));
  if (allNoChange) head.push(`**No changes.** ${stacks.length} stack(s) match the infrastructure.`, "");
  head.push(
    "| stack | to add | to change | to destroy | to replace | drift | status |",
    "|---|---:|---:|---:|---:|---:|---|",
    ...rows,
    "",
  );
  if (options.notes?.length) head.push(...options.notes.flatMap((n) => [n, ""]));
  const header = head.join("\n");

  const details = stacks.map((s) => renderDetails(s));
  const note = (n: number) =>
    `\n> ℹ️ Details of ${n} stack(s) were cut to stay under GitHub's ${limit.toLocaleString("en-US")}-character limit.${options.runUrl ? ` See the full plans in the [run's artifacts](${options.runUrl}).` : " See the full plans in the CI run's artifacts."}\n`;
  let body = `${header}\n${details.join("\n")}`;
  if (body.length <= limit) return body;

  // Too long: keep the header whole, then as many whole detail lines as fit, then the note.
  const budget = limit - header.length - note(stacks.length).length - 64;
  if (budget <= 0) return `${header}${note(stacks.length)}`.slice(0, limit);
  let used = 0;
  const kept: string[] = [];
  let cut = 0;
  for (const d of details) {
    if (used + d.length + 1 <= budget) {
      kept.push(d);
      used += d.length + 1;
      continue;
    }
    cut++;
    const lines = d.split("\n");
    const partial: string[] = [];
    for (const line of lines) {
      if (used + line.length + 40 > budget) break;
      partial.push(line);
      used += line.length + 1;
    }
    if (partial.length > 1) kept.push(`${partial.join("\n")}\n- … (cut)\n\n</details>\n`);
    used += 20;
  }
  body = `${header}\n${kept.join("\n")}${note(cut)}`;
  return body.length <= limit ? body : body.slice(0, limit);
}

function renderDetails(s: StackPlan): string {
  const c = countChanges(s.plan);
  const g = groupsOf(s.plan);
  const out: string[] = [
    "<details>",
    `<summary><code>${s.label}</code>: Plan: ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy${c.replace ? ` (${c.replace} replaced)` : ""}</summary>`,
    "",
  ];
  if (isNoChange(c)) out.push("No changes.", "");
  for (const group of GROUPS) {
    if (g[group].length === 0) continue;
    out.push(`**${GROUP_TITLE[group]}** (${g[group].length})`, "");
    for (const rc of g[group]) {
      const extra =
        group === "moved"
          ? ` (from \`${esc(rc.previous_address ?? "")}\`)`
          : group === "replace"
            ? replaceReason(rc)
            : "";
      out.push(`- \`${esc(rc.address)}\`${extra}`);
    }
    out.push("");
  }
  const drift = s.plan.resource_drift ?? [];
  if (drift.length) {
    out.push(
      `> [!NOTE]`,
      `> **${drift.length} change(s) made outside Terraform** (drift):`,
      ...drift.map((d) => `> - \`${esc(d.address)}\` (${changeKind(d.change.actions)})`),
      "",
    );
  }
  out.push("</details>", "");
  return out.join("\n");
}
