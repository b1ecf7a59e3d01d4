/**
 * `npm run -s plan:summary -- <label>=<plan.json> [...]` -> one Markdown comment on stdout.
 * `--labels` prints the outcome labels instead (one per line), like tfcmt's.
 * `--notes=<file>`: its lines go under the table, never cut (the design-document change lines).
 * The run link comes from GITHUB_SERVER_URL / GITHUB_REPOSITORY / GITHUB_RUN_ID when set.
 */
import { readFileSync } from "node:fs";
import { cliArgs } from "./lib/args";
import type { PlanJson } from "./lib/plan-json";
import { outcomeLabels, renderSummary, type StackPlan } from "./lib/plan-summary";

function main(argv: string[]): number {
  const { values, positionals: pairs } = cliArgs(
    {
      command: "npm run -s plan:summary --",
      summary: "Renders the PR plan comment (Markdown) from `terraform show -json` plans.",
      flags: {
        labels: { type: "boolean", description: "print the outcome labels instead, one per line" },
        notes: {
          type: "string",
          description: "file whose lines go under the table, never cut",
          placeholder: "file",
          multiple: true,
        },
      },
      positionals: { name: "label=plan.json", description: "a stack's label and its plan JSON", min: 1 },
    },
    argv,
  );
  const labelsOnly = values.labels;
  const notes: string[] = [];
  for (const file of values.notes) {
    try {
      notes.push(
        ...readFileSync(file, "utf8")
          .split("\n")
          .filter((l) => l.trim() !== ""),
      );
    } catch (e) {
      console.error(`plan:summary: cannot read ${file}: ${(e as Error).message}`);
      return 2;
    }
  }
  const stacks: StackPlan[] = [];
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) {
      console.error(`plan:summary: "${p}" is not <label>=<plan.json>`);
      return 2;
    }
    const [label, file] = [p.slice(0, i), p.slice(i + 1)];
    let plan: PlanJson;
    try {
      plan = JSON.parse(readFileSync(file, "utf8")) as PlanJson;
    } catch (e) {
      console.error(`plan:summary: cannot read ${label}'s plan JSON at ${file}: ${(e as Error).message}`);
      return 2;
    }
    if (typeof plan !== "object" || plan === null || !("format_version" in plan)) {
      console.error(
        `plan:summary: ${file} is not the output of \`terraform show -json <planfile>\` (no format_version)`,
      );
      return 2;
    }
    stacks.push({ label, plan });
  }
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = process.env;
  const runUrl = server && repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
  process.stdout.write(
    `${labelsOnly ? outcomeLabels(stacks).join("\n") : renderSummary(stacks, { runUrl, notes })}\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
