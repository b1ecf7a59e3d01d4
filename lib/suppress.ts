/**
 * Reasoned suppressions, per resource and rule, or per stack and rule. They are written into the
 * synthesized JSON as `"//": { "policy": { "suppressions": [...] } }` comments (Terraform ignores
 * "//" keys), so the policy report can be rebuilt from the JSON alone.
 *
 * Lives in lib/ so modules can suppress a rule without importing policy/ (policy/ reads them back).
 */
import type { TerraformElement, TerraformStack } from "cdktf";

export interface Suppression {
  /** Rule id, e.g. `AWS-IAM-NO-SERVICE-WILDCARD`. */
  rule: string;
  /** Why the finding is accepted here (shown in the report). */
  reason: string;
}

const recorded = new WeakMap<object, Suppression[]>();

export function suppress(target: TerraformElement | TerraformStack, rule: string, reason: string): void {
  const list = recorded.get(target) ?? [];
  list.push({ rule, reason });
  recorded.set(target, list);
  target.addOverride("//.policy.suppressions", [...list]);
}
