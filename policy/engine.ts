/** Evaluates the rule pack over synthesized stacks and applies suppressions. */
import { PROTECTION_METADATA_KEY } from "../lib/protection";
import { RULES, SUPPRESSION_RULE } from "./pack";
import type { Json, PolicyReport, Rule, RuleContext, Suppression, Violation } from "./types";

export interface StackDoc {
  name: string;
  json: Json;
}

function protectedStack(stack: StackDoc): boolean {
  const level = stack.json?.["//"]?.[PROTECTION_METADATA_KEY];
  if (typeof level === "string") return level !== "none";
  return /-prod$/.test(stack.name);
}

export function contextOf(stack: StackDoc): RuleContext {
  const resources = (type: string): Array<[string, Json]> =>
    Object.entries(stack.json.resource?.[type] ?? {});
  return {
    stack: stack.name,
    // The stack's protection level (written by the stack), else its name for stacks without one.
    isProd: protectedStack(stack),
    json: stack.json,
    resources,
    referencing: (type, attr, targetType, targetName) =>
      resources(type).filter(
        ([, b]) => typeof b[attr] === "string" && b[attr].includes(`${targetType}.${targetName}.`),
      ),
  };
}

/** A reason of real words: at least 3 words of letters and 20 characters, not a placeholder. */
export function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== "string") return "no reason given";
  const words = reason.match(/[A-Za-z]{2,}/g) ?? [];
  if (words.length < 3 || reason.trim().length < 20)
    return `reason "${reason}" is not a sentence (3+ words, 20+ characters)`;
  if (/^(todo|tbd|n\/?a|none|fixme|ignore|temp)\b/i.test(reason.trim()))
    return `reason "${reason}" is a placeholder`;
  return undefined;
}

const suppressionsOf = (node: Json): Suppression[] => node?.["//"]?.policy?.suppressions ?? [];

export function evaluate(stacks: StackDoc[], rules: Rule[] = RULES): PolicyReport {
  const ruleIds = new Set(rules.map((r) => r.id));
  const report: PolicyReport = {
    rules: [...rules, SUPPRESSION_RULE].map((r) => ({
      id: r.id,
      source: r.source,
      description: r.description,
    })),
    violations: [],
    suppressions: [],
  };
  for (const stack of stacks) {
    const ctx = contextOf(stack);
    const stackSuppressions = suppressionsOf(stack.json);
    const bad = (address: string, path: string, s: Suppression, problem: string): Violation => ({
      rule: SUPPRESSION_RULE.id,
      stack: stack.name,
      address,
      path,
      message: `suppression of ${s.rule}: ${problem}`,
      fix: SUPPRESSION_RULE.fix,
    });
    const valid = (address: string, path: string, list: Suppression[]) =>
      list.filter((s) => {
        const problem = !ruleIds.has(s.rule) ? `unknown rule "${s.rule}"` : reasonProblem(s.reason);
        if (problem) report.violations.push(bad(address, path, s, problem));
        return !problem;
      });
    const okStack = valid("(stack)", stack.name, stackSuppressions);
    for (const s of okStack)
      report.suppressions.push({
        rule: s.rule,
        stack: stack.name,
        resource: "(stack)",
        path: stack.name,
        reason: s.reason,
      });
    const okByAddress = new Map<string, Suppression[]>();
    for (const [type, byName] of Object.entries<Record<string, Json>>(stack.json.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const address = `${type}.${name}`;
        const path = body?.["//"]?.metadata?.path ?? address;
        const ok = valid(address, path, suppressionsOf(body));
        okByAddress.set(address, ok);
        for (const s of ok)
          report.suppressions.push({
            rule: s.rule,
            stack: stack.name,
            resource: address,
            path,
            reason: s.reason,
          });
      }
    }
    for (const rule of rules) {
      for (const f of rule.check(ctx)) {
        const [type, name] = f.address.split(/\.(.*)/s);
        const suppressed =
          okStack.some((s) => s.rule === rule.id) ||
          (okByAddress.get(f.address) ?? []).some((s) => s.rule === rule.id);
        if (suppressed) continue;
        report.violations.push({
          rule: rule.id,
          stack: stack.name,
          address: f.address,
          path: stack.json.resource?.[type]?.[name]?.["//"]?.metadata?.path ?? f.address,
          message: f.detail ? `${rule.description}: ${f.detail}` : rule.description,
          fix: rule.fix,
        });
      }
    }
  }
  return report;
}

export function formatViolations(v: Violation[]): string {
  return v
    .map((x) => `  ✗ ${x.rule}  ${x.stack}  ${x.path}\n      ${x.message}\n      fix: ${x.fix}`)
    .join("\n");
}
