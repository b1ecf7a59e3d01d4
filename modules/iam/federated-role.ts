/**
 * An IAM role assumed with a web identity token from an OIDC provider (GitHub Actions, or any
 * other issuer registered as an `aws_iam_openid_connect_provider`), with the same grants and
 * policy-size handling as every role (`GrantRole`: merged statements, overflow policies).
 *
 * The trust names the provider as `Federated` principal and pins the token's audience and
 * subjects:
 *
 * | subjects given                       | condition on `<issuer>:sub` |
 * |--------------------------------------|-----------------------------|
 * | none contains `*` or `?`             | StringEquals (exact)        |
 * | one or more contain a wildcard       | StringLike                  |
 * | empty, or one that is only wildcards | refused (would trust every token of the issuer) |
 */
import { Token } from "cdktf";
import type { Construct } from "constructs";
import { InvalidPropsError } from "../../lib/props";
import { policyDocument } from "./policy";
import { GrantRole, roleNameProblems } from "./role";

export interface FederatedRoleProps {
  /** Role name (at most 64 characters). */
  readonly name: string;
  /** Account holding the OIDC provider (`arn:aws:iam::<account>:oidc-provider/<issuer>`). */
  readonly accountId: string;
  /** Issuer host without scheme, e.g. `token.actions.githubusercontent.com`. */
  readonly issuer: string;
  /** `sub` values admitted; `*`/`?` wildcards allowed in part of a value (see the table above). */
  readonly subjects: readonly string[];
  /** The token's `aud`. @default "sts.amazonaws.com" (what aws-actions/configure-aws-credentials sends) */
  readonly audience?: string;
  /** AWS managed policy ARNs to attach. @default - none */
  readonly managedPolicyArns?: string[];
}

/** The audience aws-actions/configure-aws-credentials requests. */
export const DEFAULT_OIDC_AUDIENCE = "sts.amazonaws.com";

/** `arn:aws:iam::<account>:oidc-provider/<issuer>` */
export const oidcProviderArn = (accountId: string, issuer: string) =>
  `arn:aws:iam::${accountId}:oidc-provider/${issuer}`;

/** Trust of an OIDC provider for exactly these subjects (StringLike only when one has a wildcard). */
export function oidcTrust(
  accountId: string,
  issuer: string,
  subjects: readonly string[],
  audience: string = DEFAULT_OIDC_AUDIENCE,
): string {
  const like = subjects.some((s) => /[*?]/.test(s));
  const aud = { [`${issuer}:aud`]: audience };
  const sub = { [`${issuer}:sub`]: [...subjects] };
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn(accountId, issuer) },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: like ? { StringEquals: aud, StringLike: sub } : { StringEquals: { ...aud, ...sub } },
    },
  ]);
}

export class FederatedRole extends GrantRole {
  constructor(scope: Construct, id: string, props: FederatedRoleProps) {
    const problems = roleNameProblems("name", props.name);
    if (!Token.isUnresolved(props.issuer) && !/^[a-z0-9.-]+(\/[\w./-]*)?$/i.test(props.issuer))
      problems.push(
        `issuer: a host (and path) without scheme, e.g. "token.actions.githubusercontent.com" (got "${props.issuer}")`,
      );
    if (props.subjects.length === 0) problems.push("subjects: at least one subject (got none)");
    for (const s of props.subjects) {
      if (!Token.isUnresolved(s) && /^[*?]*$/.test(s))
        problems.push(`subjects: "${s}" admits every token of the issuer; name the repository and workflow`);
    }
    if (props.audience !== undefined && props.audience === "")
      problems.push('audience: must not be empty (got "")');
    if (problems.length > 0) throw new InvalidPropsError(`FederatedRole ${id}`, problems);
    super(scope, id, {
      name: props.name,
      assumeRolePolicy: oidcTrust(props.accountId, props.issuer, props.subjects, props.audience),
      managedPolicyArns: props.managedPolicyArns,
    });
  }
}
