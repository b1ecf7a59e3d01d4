/**
 * Proves offline that a refactor plans as moves: `terraform plan` of the NEW synthesized stack
 * against a state in which the OLD synthesized stack is fully applied.
 *
 *   node --require ./scripts/lib/ts-hook.cjs scripts/plan-moves.ts <old cdktf.out/stacks/<stack>> <new cdktf.out/stacks/<stack>>
 *
 * No AWS account is reachable, so the "applied" state is crafted: the old stack is planned from
 * an empty state, every planned resource is written to a state file with its planned attributes,
 * each value known only after apply (ids, ARNs) replaced by a fake of the right type (typed by the
 * provider schema), attributes built from references filled in from the referenced fakes, and
 * planned again until the OLD stack plans with no changes (the state now matches it). Then the
 * NEW stack is planned against that state; the report counts moved, created, destroyed, replaced
 * and updated resources. Exit 1 when anything would be destroyed or replaced.
 * AWS stacks only (the offline mirror holds hashicorp/aws only).
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cliArgs } from "./lib/args";
import { init, OFFLINE_AWS_ENV, prepareOfflinePlanDir, terraform } from "./lib/terraform";

// biome-ignore lint/suspicious/noExplicitAny: plan, state and provider-schema JSON are walked generically
type Json = any;
const PROVIDER = "registry.terraform.io/hashicorp/aws";
const IDLIKE = /^(id|arn|.*_arn|.*_id|url|endpoint|version|unique_id)$/;

const fake = (address: string, attr: string) => {
  const h = createHash("md5").update(`${address}.${attr}`).digest("hex").slice(0, 10);
  return attr === "arn" || attr.endsWith("_arn") ? `arn:aws:iam::111111111111:fake/${h}` : `fake-${h}`;
};

/** A value for an attribute: known values as planned, unknown ones faked by type. */
function typed(type: Json, value: Json, unknown: Json, address: string, attr: string): Json {
  if (unknown === true) {
    if (type === "string") return IDLIKE.test(attr) ? fake(address, attr) : null;
    if (Array.isArray(type) && (type[0] === "list" || type[0] === "set")) return [];
    if (Array.isArray(type) && type[0] === "map") return {};
    return null;
  }
  if (value === null || value === undefined) return null;
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set") && Array.isArray(unknown))
    return value.map((x: Json, i: number) => typed(type[1], x, unknown[i] ?? false, address, attr));
  if (Array.isArray(type) && type[0] === "map" && unknown && typeof unknown === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, x]) => [k, typed(type[1], x, unknown[k] ?? false, address, attr)]),
    );
  if (Array.isArray(type) && type[0] === "object" && unknown && typeof unknown === "object")
    return Object.fromEntries(
      Object.entries(type[1]).map(([k, t]) => [k, typed(t, value[k], unknown[k] ?? false, address, k)]),
    );
  return value;
}

function block(schema: Json, value: Json, unknown: Json, address: string): Json {
  const v = value ?? {};
  const u = unknown && typeof unknown === "object" ? unknown : {};
  const out: Json = {};
  for (const [k, a] of Object.entries<Json>(schema.attributes ?? {}))
    out[k] = typed(a.type, v[k], u[k] ?? false, address, k);
  for (const [k, b] of Object.entries<Json>(schema.block_types ?? {})) {
    if (b.nesting_mode === "list" || b.nesting_mode === "set")
      out[k] = (v[k] ?? []).map((x: Json, i: number) => block(b.block, x, u[k]?.[i] ?? {}, address));
    else if (b.nesting_mode === "single") out[k] = v[k] == null ? null : block(b.block, v[k], u[k], address);
    else out[k] = v[k];
  }
  return out;
}

/** A state in which every resource of `plan` exists with its planned (or faked) attributes. */
function craftState(plan: Json, schema: Json, config: Json, serial: number): Json {
  const schemas = schema.provider_schemas[PROVIDER].resource_schemas;
  const byAddress = new Map<string, { rc: Json; attrs: Json }>();
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed" || rc.change.after === null) continue;
    byAddress.set(rc.address, {
      rc,
      attrs: block(schemas[rc.type].block, rc.change.after, rc.change.after_unknown, rc.address),
    });
  }
  // String attributes written as `${type.name.attr}` templates: evaluate them from the fakes.
  const ref = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;
  for (let round = 0; round < 3; round++) {
    for (const { rc, attrs } of byAddress.values()) {
      for (const [k, v] of Object.entries<Json>(config.resource?.[rc.type]?.[rc.name] ?? {})) {
        if (typeof v !== "string" || !v.includes("${") || !(k in attrs)) continue;
        if (attrs[k] !== null && !String(attrs[k]).startsWith("fake-")) continue;
        const s = v.replace(ref, (m: string, t: string, n: string, a: string) => {
          const target = byAddress.get(`${t}.${n}`)?.attrs[a];
          return typeof target === "string" ? target : m;
        });
        if (!s.includes("${")) attrs[k] = s;
      }
    }
  }
  return {
    version: 4,
    terraform_version: "1.11.0",
    serial,
    lineage: "c0ffee00-0000-4000-8000-000000000000",
    outputs: {},
    resources: [...byAddress.values()].map(({ rc, attrs }) => ({
      mode: "managed",
      type: rc.type,
      name: rc.name,
      provider: `provider["${PROVIDER}"]`,
      instances: [
        { schema_version: schemas[rc.type].version ?? 0, attributes: attrs, sensitive_attributes: [] },
      ],
    })),
  };
}

function plan(dir: string): Json {
  terraform(["plan", "-refresh=false", "-input=false", "-lock=false", "-out=plan.bin"], {
    cwd: dir,
    env: OFFLINE_AWS_ENV,
  });
  return JSON.parse(terraform(["show", "-json", "plan.bin"], { cwd: dir, env: OFFLINE_AWS_ENV }).stdout);
}

const actionsOf = (p: Json) => (p.resource_changes ?? []).filter((r: Json) => r.mode === "managed");
const changed = (p: Json) => actionsOf(p).filter((r: Json) => r.change.actions.join() !== "no-op");

export function planMoves(oldStack: string, newStack: string) {
  const work = mkdtempSync(join(tmpdir(), "plan-moves-"));
  try {
    const oldDir = prepareOfflinePlanDir(oldStack, join(work, "old"));
    const newDir = prepareOfflinePlanDir(newStack, join(work, "new"));
    init(oldDir, { env: OFFLINE_AWS_ENV });
    init(newDir, { env: OFFLINE_AWS_ENV });
    const schema = JSON.parse(
      terraform(["providers", "schema", "-json"], { cwd: oldDir, env: OFFLINE_AWS_ENV }).stdout,
    );
    const config = JSON.parse(readFileSync(join(oldDir, "cdk.tf.json"), "utf8"));
    let p = plan(oldDir);
    let rounds = 0;
    for (; rounds < 6 && changed(p).length > 0; rounds++) {
      writeFileSync(
        join(oldDir, "terraform.tfstate"),
        JSON.stringify(craftState(p, schema, config, rounds + 1)),
      );
      p = plan(oldDir);
    }
    if (changed(p).length > 0)
      throw new Error(`the crafted state does not match the old stack after ${rounds} rounds`);
    const resources = actionsOf(p).length;
    writeFileSync(join(newDir, "terraform.tfstate"), readFileSync(join(oldDir, "terraform.tfstate")));
    const n = plan(newDir);
    const count = (f: (r: Json) => boolean) => actionsOf(n).filter(f).length;
    const has = (r: Json, a: string) => r.change.actions.includes(a);
    return {
      resources,
      moved: count((r) => Boolean(r.previous_address)),
      movedWithChanges: count((r) => Boolean(r.previous_address) && r.change.actions.join() !== "no-op"),
      created: count((r) => has(r, "create") && !has(r, "delete")),
      destroyed: count((r) => has(r, "delete") && !has(r, "create")),
      replaced: count((r) => has(r, "delete") && has(r, "create")),
      updated: actionsOf(n)
        .filter((r: Json) => r.change.actions.join() === "update")
        .map((r: Json) => r.address as string),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { positionals } = cliArgs({
    command: "node --require ./scripts/lib/ts-hook.cjs scripts/plan-moves.ts",
    summary:
      "Plans the new synthesized stack against a state of the old one; exits 1 on a destroy or replace.",
    flags: {},
    positionals: {
      name: "stack-dir",
      description: "the old, then the new synthesized stack folder",
      min: 2,
      max: 2,
    },
  });
  const [oldStack, newStack] = positionals.map((a) => resolve(a));
  const r = planMoves(oldStack, newStack);
  console.log(JSON.stringify(r, null, 2));
  process.exit(r.destroyed + r.replaced > 0 ? 1 : 0);
}
