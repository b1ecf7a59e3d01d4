/**
 * A small evaluator of ONE policy document (e.g. a VPC endpoint policy) for tests: Allow/Deny statements with `Action`/`NotAction`,
 * `Resource`, and `StringEquals` / `StringLike` / `ArnLike` / `Bool` conditions (keys absent from the
 * request fail the condition, as in IAM). Enough to ask "would this request pass this policy?" of the
 * policies we synthesize; not a full IAM engine (no NotResource, no policy variables, no IfExists).
 */
export interface IamRequest {
  action: string;
  resource: string;
  /** Condition context, e.g. `{ "aws:PrincipalAccount": "111111111111" }`. */
  context?: Record<string, string>;
}

const glob = (pattern: string, value: string, caseInsensitive = false) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    caseInsensitive ? "i" : "",
  ).test(value);
const list = (v: unknown): string[] => (v === undefined ? [] : [v].flat().map(String));

function conditionHolds(
  condition: Record<string, Record<string, unknown>> | undefined,
  ctx: Record<string, string>,
) {
  for (const [op, byKey] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(byKey)) {
      const actual = Object.entries(ctx).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
      if (actual === undefined) return false;
      const values = list(expected);
      const ok =
        op === "StringEquals" || op === "Bool"
          ? values.includes(actual)
          : op === "StringLike" || op === "ArnLike"
            ? values.some((v) => glob(v, actual))
            : (() => {
                throw new Error(`iam-eval: condition operator ${op} not supported`);
              })();
      if (!ok) return false;
    }
  }
  return true;
}

function matches(statement: any, req: IamRequest): boolean {
  const actionHit = statement.NotAction
    ? !list(statement.NotAction).some((a) => glob(a, req.action, true))
    : list(statement.Action).some((a) => glob(a, req.action, true));
  if (!actionHit) return false;
  if (!list(statement.Resource).some((r) => glob(r, req.resource))) return false;
  return conditionHolds(statement.Condition, req.context ?? {});
}

/** `true` when some Allow matches and no Deny does (IAM's decision for one policy). */
export function allowed(policy: string | { Statement: unknown }, req: IamRequest): boolean {
  const doc = typeof policy === "string" ? JSON.parse(policy) : policy;
  const statements: any[] = [doc.Statement].flat();
  if (statements.some((s) => s.Effect === "Deny" && matches(s, req))) return false;
  return statements.some((s) => s.Effect === "Allow" && matches(s, req));
}
