/**
 * A small, conservative IAM evaluator over synthesized Terraform JSON, for proofs of the form
 * "principal P can NOT do action A on resource R". It over-approximates what is allowed (an
 * Allow whose condition it cannot decide counts as matching) and under-approximates what is
 * denied (a Deny whose condition it cannot decide counts as not matching), so a "denied" answer
 * holds whatever the unknown condition values are. Positive controls in the tests keep it honest.
 *
 * Model: identity policies (inline + modelled managed policies) ∩ permissions boundary, plus the
 * resource policy; same account: identity OR resource Allow; cross account: identity AND resource
 * Allow; any explicit Deny wins.
 */
type Json = any;

export interface Statement {
  Effect: "Allow" | "Deny";
  Principal?: Json;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface Principal {
  arn: string;
  account: string;
  identity: Statement[];
  /** Permissions boundary statements. @default - none */
  boundary?: Statement[];
}

export interface Request {
  action: string;
  resource: string;
  /** Account owning the resource. */
  account: string;
  /** Condition keys known for the request (others are undecidable). */
  context?: Record<string, string | string[]>;
  resourcePolicy?: Statement[];
}

const list = (v: unknown): string[] => (v === undefined ? [] : [v].flat().map(String));
const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((p) =>
        p
          .split("?")
          .map((q) => q.replace(/[.+^${}()|[\]\\]/g, "\\$&"))
          .join("."),
      )
      .join(".*")}$`,
    "i",
  ).test(value);
/** ARN globbing (case-sensitive resource part, but our fixtures are lower case anyway). */
const matchAny = (patterns: string[], value: string) => patterns.some((p) => glob(p, value));

/** `true` / `false` when decidable; `undefined` when a key is missing from the context. */
function conditionHolds(
  cond: Statement["Condition"],
  ctx: Record<string, string | string[]>,
): boolean | undefined {
  let result: boolean | undefined = true;
  for (const [op, byKey] of Object.entries(cond ?? {})) {
    for (const [key, expected] of Object.entries(byKey)) {
      const have = ctx[key];
      if (have === undefined) {
        result = result === false ? false : undefined;
        continue;
      }
      const values = list(have);
      const want = list(expected);
      const base = op.replace(/^(ForAnyValue|ForAllValues):/, "");
      const test = (v: string): boolean => {
        switch (base) {
          case "StringEquals":
          case "ArnEquals":
            return want.includes(v);
          case "StringNotEquals":
          case "ArnNotEquals":
            return !want.includes(v);
          case "StringLike":
          case "ArnLike":
            return matchAny(want, v);
          case "StringNotLike":
          case "ArnNotLike":
            return !matchAny(want, v);
          case "Bool":
            return want.includes(v);
          default:
            throw new Error(`iam-eval: unsupported condition operator ${op}`);
        }
      };
      const ok = op.startsWith("ForAllValues:") ? values.every(test) : values.some(test);
      if (!ok) result = false;
    }
  }
  return result;
}

function principalMatches(p: Json, who: Principal): boolean {
  if (p === undefined) return true; // identity policy
  if (p === "*") return true;
  const aws = list(p.AWS);
  return aws.some(
    (a) => a === "*" || a === who.arn || a === `arn:aws:iam::${who.account}:root` || a === who.account,
  );
}

function statementApplies(s: Statement, who: Principal, req: Request, effect: "Allow" | "Deny"): boolean {
  if (s.Effect !== effect) return false;
  if (!principalMatches(s.Principal, who)) return false;
  const actionOk =
    s.Action !== undefined ? matchAny(list(s.Action), req.action) : !matchAny(list(s.NotAction), req.action);
  if (!actionOk) return false;
  const resourceOk =
    s.Resource !== undefined
      ? matchAny(list(s.Resource), req.resource)
      : !matchAny(list(s.NotResource), req.resource);
  if (!resourceOk) return false;
  const ctx = { "aws:PrincipalArn": who.arn, "aws:PrincipalAccount": who.account, ...req.context };
  const holds = conditionHolds(s.Condition, ctx);
  // Undecidable: counts as matching for an Allow, as not matching for a Deny.
  return holds === undefined ? effect === "Allow" : holds;
}

const any = (sts: Statement[] | undefined, who: Principal, req: Request, effect: "Allow" | "Deny") =>
  (sts ?? []).some((s) => statementApplies(s, who, req, effect));

export function isAllowed(who: Principal, req: Request): boolean {
  const all = [...who.identity, ...(who.boundary ?? []), ...(req.resourcePolicy ?? [])];
  if (any(all, who, req, "Deny")) return false;
  const identity =
    any(who.identity, who, req, "Allow") && (!who.boundary || any(who.boundary, who, req, "Allow"));
  const resource = any(req.resourcePolicy, who, req, "Allow");
  return who.account === req.account ? identity || resource : identity && resource;
}

/** Statements a managed policy is modelled as (over-approximations: more allowed than the real one). */
export const MANAGED_POLICY_MODELS: Record<string, Statement[]> = {
  "arn:aws:iam::aws:policy/ReadOnlyAccess": [
    {
      Effect: "Allow",
      Action: [
        "*:Get*",
        "*:List*",
        "*:Describe*",
        "*:BatchGet*",
        "*:Query",
        "*:Scan",
        "*:Select*",
        "*:Search*",
        "*:View*",
        "*:Lookup*",
      ],
      Resource: "*",
    },
  ],
};

/** Replaces `${aws_s3_bucket.X.arn}`-style references with literal ARNs from the stack. */
export function resolveRefs(text: string, stack: Json): string {
  return text.replace(/\$\{([a-z0-9_]+)\.([^.}]+)\.(arn|id|name|bucket)\}/g, (m, type, name, attr) => {
    const body = stack.resource?.[type]?.[name];
    if (!body) return m;
    if (type === "aws_s3_bucket") return attr === "arn" ? `arn:aws:s3:::${body.bucket}` : body.bucket;
    if (type === "aws_iam_role") return attr === "arn" ? `arn:aws:iam::ACCOUNT:role/${body.name}` : body.name;
    return m;
  });
}

export function statementsOf(policy: string, stack: Json): Statement[] {
  return [JSON.parse(resolveRefs(policy, stack)).Statement].flat();
}

/** The principal of an IAM role of a synthesized stack: inline, attached (modelled) and boundary policies. */
export function rolePrincipal(stack: Json, roleName: string, account: string): Principal {
  const roles = Object.entries<Json>(stack.resource.aws_iam_role ?? {});
  const found = roles.find(([, r]) => r.name === roleName);
  if (!found) throw new Error(`no role ${roleName}`);
  const [id, role] = found;
  const ref = `\${aws_iam_role.${id}.`;
  const identity: Statement[] = [];
  for (const p of Object.values<Json>(stack.resource.aws_iam_role_policy ?? {})) {
    if (String(p.role).startsWith(ref)) identity.push(...statementsOf(p.policy, stack));
  }
  for (const a of Object.values<Json>(stack.resource.aws_iam_role_policy_attachment ?? {})) {
    if (!String(a.role).startsWith(ref)) continue;
    const model = MANAGED_POLICY_MODELS[a.policy_arn];
    // An unmodelled managed policy could allow anything: the proof would not hold.
    identity.push(...(model ?? [{ Effect: "Allow", Action: "*", Resource: "*" }]));
  }
  let boundary: Statement[] | undefined;
  if (role.permissions_boundary) {
    const name = String(role.permissions_boundary).split("/").pop();
    const policy = Object.values<Json>(stack.resource.aws_iam_policy ?? {}).find((p) => p.name === name);
    if (!policy) throw new Error(`boundary ${name} of ${roleName} is not in the stack`);
    boundary = statementsOf(policy.policy, stack);
  }
  return { arn: `arn:aws:iam::${account}:role/${roleName}`, account, identity, boundary };
}
