/** Runs the pack over a synth output folder and writes `<outdir>/policy-report.json`. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { evaluate, formatViolations, type StackDoc } from "./engine";
import type { PolicyReport } from "./types";

export function checkOutdir(outdir: string): PolicyReport {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const stacks: StackDoc[] = Object.entries(manifest.stacks).map(([name, s]) => ({
    name,
    json: JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), "utf8")),
  }));
  const report = evaluate(stacks);
  writeFileSync(join(outdir, "policy-report.json"), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** Checks the outdir; prints every unsuppressed violation (rule, stack, path, fix). True when clean. */
export function enforcePolicy(outdir: string, print: (text: string) => void = console.error): boolean {
  const report = checkOutdir(outdir);
  if (report.violations.length === 0) {
    console.log(
      `policy: ${report.rules.length} rules, 0 violations, ${report.suppressions.length} reasoned suppression(s) -> ${outdir}/policy-report.json`,
    );
    return true;
  }
  print(
    `Policy: ${report.violations.length} unsuppressed violation(s) (report: ${outdir}/policy-report.json):\n${formatViolations(report.violations)}`,
  );
  return false;
}
