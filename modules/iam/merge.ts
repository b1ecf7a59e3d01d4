/**
 * Statement merging for every policy document built here (IAM counts characters, and a role's
 * inline policies may hold 10,240 in total): grants that add one statement per source would
 * otherwise grow the ingest role past the limit at about a dozen sources.
 *
 * Each step keeps the document's meaning exactly (statements are OR'ed; values of one condition
 * key are OR'ed):
 *
 * | step | statements merged when they share                        | result                      |
 * |------|-----------------------------------------------------------|-----------------------------|
 * | 1    | effect, principal, condition, resources                   | union of actions            |
 * | 2    | effect, principal, condition, actions                     | union of resources          |
 * | 3    | effect, principal, actions, resources; one condition key | union of that key's values  |
 * | -    | a resource/value ending in `*` that covers another        | the covered one is dropped  |
 *
 * Statements with a `Sid`, `NotAction` or `NotResource` are named or special: left as written.
 * A statement that merges with nothing is emitted unchanged (byte for byte).
 */
import type { PolicyStatement } from "./policy";

const arr = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());
const key = (v: unknown) => JSON.stringify(v ?? null);
/** Distinct values in first-seen order (documents stay in the order grants were made). */
const unique = (xs: string[]) => [...new Set(xs)];
const sorted = (xs: string[]) => [...new Set(xs)].sort();

/** `a` ends in `*` (its only wildcard) and every string `b` matches it. */
function covers(a: string, b: string): boolean {
  if (a === b || !a.endsWith("*")) return false;
  const head = a.slice(0, -1);
  return !head.includes("*") && !head.includes("?") && b.startsWith(head);
}

/** Drops values another value of the list covers (`bucket/*` covers `bucket/saas/a/*`). */
export function collapseCovered(values: string[]): string[] {
  const u = unique(values);
  return u.filter((v) => !u.some((w) => w !== v && covers(w, v)));
}

const mergeable = (s: PolicyStatement) =>
  s.Sid === undefined && s.NotResource === undefined && !("NotAction" in s) && s.Resource !== undefined;

const one = (xs: string[]): string | string[] => (xs.length === 1 ? xs[0] : xs);

type Group = { first: number; items: PolicyStatement[] };
function groupBy(statements: PolicyStatement[], keyOf: (s: PolicyStatement) => string | undefined): Group[] {
  const groups = new Map<string, Group>();
  const out: Group[] = [];
  statements.forEach((s, i) => {
    const k = mergeable(s) ? keyOf(s) : undefined;
    if (k === undefined) {
      out.push({ first: i, items: [s] });
      return;
    }
    const g = groups.get(k);
    if (g) g.items.push(s);
    else {
      const ng = { first: i, items: [s] };
      groups.set(k, ng);
      out.push(ng);
    }
  });
  return out;
}

const base = (s: PolicyStatement) => `${s.Effect}|${key(s.Principal)}`;

function pass(
  statements: PolicyStatement[],
  keyOf: (s: PolicyStatement) => string | undefined,
  merge: (items: PolicyStatement[]) => PolicyStatement,
): PolicyStatement[] {
  return groupBy(statements, keyOf).map((g) => (g.items.length === 1 ? g.items[0] : merge(g.items)));
}

/** Merges statements without changing what the document allows or denies. */
export function mergeStatements(statements: PolicyStatement[]): PolicyStatement[] {
  let current = statements;
  for (let round = 0; round < 3; round++) {
    const before = current.length;
    current = pass(
      current,
      (s) => `${base(s)}|${key(s.Condition)}|${key(sorted(arr(s.Resource)))}`,
      (items) => ({ ...items[0], Action: one(unique(items.flatMap((s) => arr(s.Action)))) }),
    );
    current = pass(
      current,
      (s) => `${base(s)}|${key(s.Condition)}|${key(sorted(arr(s.Action)))}`,
      (items) => ({ ...items[0], Resource: one(collapseCovered(items.flatMap((s) => arr(s.Resource)))) }),
    );
    current = pass(
      current,
      (s) => {
        const c = s.Condition;
        if (!c) return undefined;
        const ops = Object.keys(c);
        if (ops.length !== 1 || Object.keys(c[ops[0]]).length !== 1) return undefined;
        const condKey = Object.keys(c[ops[0]])[0];
        return `${base(s)}|${ops[0]}|${condKey}|${key(sorted(arr(s.Action)))}|${key(sorted(arr(s.Resource)))}`;
      },
      (items) => {
        const op = Object.keys(items[0].Condition!)[0];
        const condKey = Object.keys(items[0].Condition![op])[0];
        const values = items.flatMap((s) => {
          const v = s.Condition![op][condKey];
          return typeof v === "boolean" ? [String(v)] : arr(v);
        });
        const like = /Like$/.test(op);
        return {
          ...items[0],
          Condition: { [op]: { [condKey]: like ? collapseCovered(values) : unique(values) } },
        };
      },
    );
    if (current.length === before) break;
  }
  return current;
}
