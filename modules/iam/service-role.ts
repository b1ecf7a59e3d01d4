/**
 * An IAM role that collects the statements granted to it (by `grant*` methods of data constructs)
 * into a single inline policy, rendered at synth. Nobody writes IAM JSON by hand for a workload.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { type PolicyStatement, policyDocument, serviceTrust } from "./policy";

export interface ServiceRoleProps {
  /** Role name. */
  readonly name: string;
  /** Service principal allowed to assume the role, e.g. `ec2.amazonaws.com`. */
  readonly service: string;
  /** Account the service must act for (`aws:SourceAccount`). */
  readonly accountId: string;
  /** AWS managed policy ARNs to attach. @default - none */
  readonly managedPolicyArns?: string[];
  /** Trust policy override (e.g. a trust without SourceAccount for EC2). @default - service trust */
  readonly assumeRolePolicy?: string;
}

/** Anything that can receive IAM statements. */
export interface IGrantable {
  addToPolicy(...statements: PolicyStatement[]): void;
}

export class ServiceRole extends Construct implements IGrantable {
  readonly role: IamRole;
  /** One attachment per managed policy ARN, in the order given. */
  readonly managedAttachments: IamRolePolicyAttachment[];
  private readonly statements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      assumeRolePolicy: props.assumeRolePolicy ?? serviceTrust(props.service, props.accountId),
    });
    this.managedAttachments = (props.managedPolicyArns ?? []).map(
      (arn, i) => new IamRolePolicyAttachment(this, `managed-${i}`, { role: this.role.name, policyArn: arn }),
    );
    new IamRolePolicy(this, "grants", {
      role: this.role.id,
      name: "grants",
      policy: Lazy.stringValue({
        produce: () =>
          policyDocument(
            this.statements.length > 0
              ? this.statements
              : [{ Effect: "Deny", Action: "*", Resource: "*", Sid: "NothingGranted" }],
          ),
      }),
    });
  }

  addToPolicy(...statements: PolicyStatement[]): void {
    this.statements.push(...statements);
  }

  get arn(): string {
    return this.role.arn;
  }

  get name(): string {
    return this.role.name;
  }
}
