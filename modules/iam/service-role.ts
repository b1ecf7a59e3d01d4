/** An IAM role an AWS service assumes (Lambda, Scheduler, Step Functions, EC2…), with grants. */
import type { Construct } from "constructs";
import { serviceTrust } from "./policy";
import { GrantRole, roleNameProblems } from "./role";

export {
  GrantRole,
  type IGrantable,
  INLINE_POLICY_BUDGET,
  MANAGED_POLICY_BUDGET,
  packStatements,
} from "./role";

import { InvalidPropsError } from "../../lib/props";

export interface ServiceRoleProps {
  /** Role name (at most 64 characters). */
  readonly name: string;
  /** Service principal allowed to assume the role, e.g. `ec2.amazonaws.com`. */
  readonly service: string;
  /** Account the service must act for (`aws:SourceAccount`). */
  readonly accountId: string;
  /** AWS managed policy ARNs to attach. @default - none */
  readonly managedPolicyArns?: string[];
  /**
   * Trust policy override (e.g. a trust without SourceAccount for EC2). For an identity
   * provider (OIDC, SAML) use `FederatedRole` instead. @default - service trust of `service`
   */
  readonly assumeRolePolicy?: string;
}

export class ServiceRole extends GrantRole {
  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    const problems = [
      ...roleNameProblems("name", props.name),
      ...(/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(props.service)
        ? []
        : [`service: a service principal such as "lambda.amazonaws.com" (got "${props.service}")`]),
    ];
    if (problems.length > 0) throw new InvalidPropsError(`ServiceRole ${id}`, problems);
    super(scope, id, {
      name: props.name,
      assumeRolePolicy: props.assumeRolePolicy ?? serviceTrust(props.service, props.accountId),
      managedPolicyArns: props.managedPolicyArns,
    });
  }
}
