/**
 * Reasoned suppressions, per resource and rule, or per stack and rule. They are written into the
 * synthesized JSON as `"//": { "policy": { "suppressions": [...] } }` comments (Terraform ignores
 * "//" keys), so the report can be rebuilt from the JSON alone.
 */
import type { TerraformElement, TerraformStack } from "cdktf";
import type { Suppression } from "./types";

const recorded = new WeakMap<object, Suppression[]>();

export function suppress(target: TerraformElement | TerraformStack, rule: string, reason: string): void {
  const list = recorded.get(target) ?? [];
  list.push({ rule, reason });
  recorded.set(target, list);
  target.addOverride("//.policy.suppressions", [...list]);
}
