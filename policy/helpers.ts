/** Small helpers rules share. */
import type { Finding, Json, Rule, RuleContext } from "./types";

/** A rule that checks each resource of some types on its own. */
export function perResource(
  meta: Omit<Rule, "check">,
  types: string[],
  /** Returns a detail string (or true) when non-compliant; false/undefined when compliant or not applicable. */
  bad: (body: Json, ctx: RuleContext, name: string, type: string) => string | boolean | undefined,
): Rule {
  return {
    ...meta,
    check(ctx) {
      const out: Finding[] = [];
      for (const type of types) {
        for (const [name, body] of ctx.resources(type)) {
          const r = bad(body, ctx, name, type);
          if (r) out.push({ address: `${type}.${name}`, detail: typeof r === "string" ? r : undefined });
        }
      }
      return out;
    },
  };
}

/** First element of a block that cdktf may render as an object or a one-element list. */
export function block(v: Json): Json {
  return Array.isArray(v) ? v[0] : v;
}

export function statementsOf(policy: unknown): Json[] {
  if (typeof policy !== "string") return [];
  try {
    const doc = JSON.parse(policy);
    return [doc.Statement].flat().filter(Boolean);
  } catch {
    return [];
  }
}

export const list = (v: unknown): string[] => (v === undefined ? [] : [v].flat().map(String));

/** `{ resource: { [type]: { [name]: body } } }` for examples. */
export function stackOf(resources: Record<string, Record<string, Json>>, extra: Json = {}): Json {
  return { resource: resources, ...extra };
}
