/**
 * Terraform `moved` blocks for a refactor that changes construct paths: each resource whose new
 * path (from its stack down, ids joined by `/`) matches a rule gets `moved { from = <old address> }`,
 * the old address computed the way cdktf computed it (its own `makeUniqueId`). `terraform plan`
 * then shows "has moved to" and keeps the real object, instead of destroy and create.
 */
import { Aspects, TerraformResource, type TerraformStack } from "cdktf";
// cdktf's own logical-id function (what `allocateLogicalId` uses), so old addresses match exactly.
import { makeUniqueId } from "cdktf/lib/private/unique";
import type { IConstruct } from "constructs";

export interface MoveRule {
  /** Terraform resource type, e.g. `aws_cloudwatch_metric_alarm`. */
  readonly type: string;
  /** The new path, e.g. `/^saas-ingest\/missed-(.+)$/`. */
  readonly to: RegExp;
  /** The old path, with `$1`… from `to`, e.g. `monitoring/ingest-missed-$1`. */
  readonly from: string;
}

/** Path of a construct below its stack: `saas-ingest/Default/alarm-errors`. */
export function pathInStack(node: IConstruct, stack: TerraformStack): string {
  const scopes = node.node.scopes;
  return scopes
    .slice(scopes.indexOf(stack) + 1)
    .map((c) => c.node.id)
    .join("/");
}

/** The Terraform address a resource of `type` had at `path` (ids from the stack down). */
export const addressAt = (type: string, path: string) => `${type}.${makeUniqueId(path.split("/"))}`;

/** The old address of a resource under `rules`, or undefined when no rule matches it. */
export function movedFromAddress(type: string, path: string, rules: readonly MoveRule[]): string | undefined {
  const rule = rules.find((r) => r.type === type && r.to.test(path));
  return rule ? addressAt(type, path.replace(rule.to, rule.from)) : undefined;
}

/** Adds a `moved` block to every resource of `stack` a rule matches (once, at synth). */
export function addMovedBlocks(stack: TerraformStack, rules: readonly MoveRule[]): void {
  Aspects.of(stack).add({
    visit(node) {
      if (!TerraformResource.isTerraformResource(node)) return;
      const r = node as TerraformResource;
      if (r.hasResourceMove()) return;
      const from = movedFromAddress(r.terraformResourceType, pathInStack(r, stack), rules);
      if (from && from !== `${r.terraformResourceType}.${r.friendlyUniqueId}`) r.moveFromId(from);
    },
  });
}
