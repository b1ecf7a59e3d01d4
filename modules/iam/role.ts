/**
 * The base of every IAM role here (`ServiceRole`, `FederatedRole`): it collects the statements
 * granted to it (by `grant*` methods of data constructs) into an inline policy, rendered at
 * synth. Nobody writes IAM JSON by hand for a workload. Subclasses only decide the trust.
 *
 * Statements are merged (modules/iam/merge.ts). When they still do not fit IAM's 10,240-character
 * budget for a role's inline policies (counted with references at their longest), the rest
 * overflows into customer managed policies of up to 6,144 characters each, attached to the role:
 * grants never fail at apply because a role has many sources.
 */
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Aspects, Lazy, Token } from "cdktf";
// cdktf's own resolver (what synth uses): turns tokens into `${type.name.attr}` references.
import { resolve } from "cdktf/lib/_tokens";
import { Construct } from "constructs";
import { maxPolicyLength } from "../../lib/policy-size";
import { NAME_LIMITS } from "../../lib/rules/names";
import { mergeStatements } from "./merge";
import { type PolicyStatement, policyDocument } from "./policy";

/** IAM: aggregate inline policy characters per role, and per managed policy. */
export const INLINE_POLICY_BUDGET = 10_240;
export const MANAGED_POLICY_BUDGET = 6_144;
/** `{"Version":"2012-10-17","Statement":[]}` */
const DOCUMENT_OVERHEAD = 40;

/** A statement too large for `max` split into statements over slices of its resources. */
function splitResources(
  s: PolicyStatement,
  max: number,
  render: (s: PolicyStatement) => string,
): PolicyStatement[] {
  const resources = s.Resource === undefined ? [] : [s.Resource].flat();
  if (resources.length < 2 || maxPolicyLength(render(s)) <= max) return [s];
  const half = Math.ceil(resources.length / 2);
  return [
    ...splitResources({ ...s, Resource: resources.slice(0, half) }, max, render),
    ...splitResources({ ...s, Resource: resources.slice(half) }, max, render),
  ];
}

/**
 * Packs statements into documents of at most `budget` characters (upper bound), in order.
 * A single statement larger than a budget gets a document of its own (the limit rules report it).
 */
export function packStatements(
  statements: PolicyStatement[],
  budget: number,
  /** Renders a statement with its tokens as Terraform references. @default JSON.stringify */
  render: (s: PolicyStatement) => string = (s) => JSON.stringify(s),
): PolicyStatement[][] {
  const docs: PolicyStatement[][] = [];
  let current: PolicyStatement[] = [];
  let size = DOCUMENT_OVERHEAD;
  for (const s of statements.flatMap((st) => splitResources(st, budget - DOCUMENT_OVERHEAD - 1, render))) {
    const len = maxPolicyLength(render(s)) + 1;
    if (current.length > 0 && size + len > budget) {
      docs.push(current);
      current = [];
      size = DOCUMENT_OVERHEAD;
    }
    current.push(s);
    size += len;
  }
  if (current.length > 0) docs.push(current);
  return docs;
}

/** Anything that can receive IAM statements. */
export interface IGrantable {
  addToPolicy(...statements: PolicyStatement[]): void;
}

export interface GrantRoleProps {
  /** Role name (at most 64 characters). */
  readonly name: string;
  /** The trust policy document (JSON). */
  readonly assumeRolePolicy: string;
  /** AWS managed policy ARNs to attach. @default - none */
  readonly managedPolicyArns?: string[];
}

/** IAM allows role names of at most 64 characters from `[\w+=,.@-]`. */
export const ROLE_NAME_MAX = NAME_LIMITS.iamRole;

/** Problems with a role name (none when it is a token: known only at apply). */
export function roleNameProblems(prop: string, name: string): string[] {
  if (Token.isUnresolved(name)) return [];
  const out: string[] = [];
  if (name.length === 0 || name.length > ROLE_NAME_MAX)
    out.push(
      `${prop}: an IAM role name has 1 to ${ROLE_NAME_MAX} characters (got ${name.length}: "${name}")`,
    );
  if (!/^[\w+=,.@-]*$/.test(name))
    out.push(`${prop}: an IAM role name may hold only letters, digits and +=,.@_- (got "${name}")`);
  return out;
}

export class GrantRole extends Construct implements IGrantable {
  readonly role: IamRole;
  /** One attachment per managed policy ARN, in the order given. */
  readonly managedAttachments: IamRolePolicyAttachment[];
  /** Customer managed policies holding grants that did not fit inline (created at synth). */
  readonly overflowPolicies: IamPolicy[] = [];
  private readonly statements: PolicyStatement[] = [];
  private inline?: PolicyStatement[];

  constructor(scope: Construct, id: string, props: GrantRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      assumeRolePolicy: props.assumeRolePolicy,
    });
    this.managedAttachments = (props.managedPolicyArns ?? []).map(
      (arn, i) => new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn }),
    );
    new IamRolePolicy(this, "grants", {
      role: this.role.id,
      name: "grants",
      policy: Lazy.stringValue({
        produce: () => {
          const inline = this.inline ?? this.split();
          return policyDocument(
            inline.length > 0
              ? inline
              : [{ Effect: "Deny", Action: "*", Resource: "*", Sid: "NothingGranted" }],
          );
        },
      }),
    });
    // Before synth resolves anything: split the grants and create the overflow policies they need.
    Aspects.of(this).add({ visit: (node) => (node === this ? void this.split() : undefined) });
  }

  addToPolicy(...statements: PolicyStatement[]): void {
    if (this.inline) throw new Error(`${this.node.path}: grant after the role's policies were rendered`);
    this.statements.push(...statements);
  }

  /** Merged statements that fit inline; the rest into managed policies (once). */
  private split(): PolicyStatement[] {
    if (this.inline) return this.inline;
    const merged = mergeStatements(this.statements);
    const render = (st: PolicyStatement) => JSON.stringify(resolve(this, st));
    const [first, ...rest] = packStatements(merged, INLINE_POLICY_BUDGET, render);
    this.inline = first ?? [];
    const overflow = packStatements(rest.flat(), MANAGED_POLICY_BUDGET, render);
    overflow.forEach((statements, i) => {
      const policy = new IamPolicy(this, `overflow-${i}`, {
        name: `${this.role.name}-grants-${i + 1}`,
        description: `Grants of role ${this.node.id} that exceed its inline policy budget (part ${i + 1})`,
        policy: policyDocument(statements),
      });
      new IamRolePolicyAttachment(this, `overflow-${i}-attachment`, {
        role: this.role.name,
        policyArn: policy.arn,
      });
      this.overflowPolicies.push(policy);
    });
    return this.inline;
  }

  get arn(): string {
    return this.role.arn;
  }

  get name(): string {
    return this.role.name;
  }
}
