/**
 * Read-only view of one synthesized stack (`cdktf.out/stacks/<stack>/cdk.tf.json`): resources by
 * type, and references (`${aws_s3_bucket.x.bucket}`) turned into the names a reader knows.
 *
 * The design document is derived from this JSON, the deployment contract, so it describes what
 * Terraform will create, not what a second hand-kept list says.
 */
import { readFileSync } from "node:fs";

export type Attrs = Record<string, unknown>;

export interface TfResource {
  type: string;
  /** Terraform logical id (construct-derived). */
  id: string;
  /** Construct path (`dp-aws-dev/saas-ingest/function`), when cdktf recorded it. */
  path: string;
  attrs: Attrs;
}

/** Attributes that carry a resource's human name, in order of preference. */
const NAME_ATTRS = [
  "function_name",
  "bucket",
  "alarm_name",
  "dashboard_name",
  "table_name",
  "database_name",
  "queue_name",
  "account_id",
  "dataset_id",
  "table_id",
  "workload_identity_pool_provider_id",
  "workload_identity_pool_id",
  "name",
  "name_prefix",
  "cidr_block",
  "service_name",
];

const REF = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_.[\]]+)\}/g;

export class TfStack {
  readonly resources: TfResource[];
  private readonly byKey = new Map<string, TfResource>();

  constructor(
    readonly name: string,
    readonly json: {
      resource?: Record<string, Record<string, Attrs>>;
      provider?: Record<string, Attrs[]>;
      output?: Record<string, { value: unknown; description?: string }>;
      terraform?: Attrs;
    },
  ) {
    this.resources = [];
    for (const [type, byId] of Object.entries(json.resource ?? {})) {
      for (const [id, attrs] of Object.entries(byId)) {
        const meta = (attrs["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
        const r = { type, id, path: meta?.path ?? id, attrs };
        this.resources.push(r);
        this.byKey.set(`${type}.${id}`, r);
      }
    }
  }

  static read(name: string, file: string): TfStack {
    return new TfStack(name, JSON.parse(readFileSync(file, "utf8")));
  }

  ofType(type: string): TfResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  get(type: string, id: string): TfResource | undefined {
    return this.byKey.get(`${type}.${id}`);
  }

  /** The resource a `${type.id.attr}` reference points at. */
  target(ref: unknown): TfResource | undefined {
    if (typeof ref !== "string") return undefined;
    const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z0-9_.[\]]+\}$/.exec(ref);
    return m ? this.get(m[1], m[2]) : undefined;
  }

  /** A resource's human name (`dp-dev-saas-ingest`), or its construct path's last segment. */
  displayName(r: TfResource): string {
    if (r.type === "aws_kms_key") {
      const alias = this.ofType("aws_kms_alias").find((a) => this.target(a.attrs.target_key_id)?.id === r.id);
      if (alias) return String(alias.attrs.name);
    }
    const tagName = (r.attrs.tags as Attrs | undefined)?.Name;
    if (typeof tagName === "string" && tagName !== "") return this.resolve(tagName);
    for (const a of NAME_ATTRS) {
      const v = r.attrs[a];
      if (typeof v === "string" && v !== "") return this.resolve(v);
    }
    return r.path.split("/").slice(1).join("/") || r.id;
  }

  /**
   * Replaces every reference in `value` with what a reader knows: the literal attribute when the
   * configuration has it (a bucket's `bucket`), else `<name>.<attr>` (`dp-dev-saas-ingest.arn`).
   */
  resolve(value: string, depth = 0): string {
    return value.replace(REF, (whole, type: string, id: string, attr: string) => {
      const r = this.get(type, id);
      if (!r) return whole;
      const literal = r.attrs[attr];
      if (typeof literal === "string" && depth < 3) return this.resolve(literal, depth + 1);
      if (typeof literal === "number" || typeof literal === "boolean") return String(literal);
      const name = this.displayName(r);
      if (attr === "arn" && r.type === "aws_s3_bucket") return `arn:aws:s3:::${name}`;
      return attr === "id" || attr === "name" ? name : `${name}.${attr}`;
    });
  }

  /** Deep `resolve` over a JSON value. */
  resolveDeep<T>(value: T): T {
    if (typeof value === "string") return this.resolve(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.resolveDeep(v)) as T;
    if (value && typeof value === "object") {
      const out: Attrs = {};
      for (const [k, v] of Object.entries(value)) if (k !== "//") out[k] = this.resolveDeep(v);
      return out as T;
    }
    return value;
  }

  provider(kind: string): Attrs | undefined {
    return this.json.provider?.[kind]?.[0];
  }
}

/** `a.b.c` of a nested object. */
export function at(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const p of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Attrs)[p];
  }
  return cur;
}

export function str(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** Parses an IAM/S3/KMS policy document given as a JSON string (references left as text). */
export function parsePolicy(doc: unknown): { Statement?: unknown } | undefined {
  if (typeof doc !== "string") return typeof doc === "object" ? (doc as { Statement?: unknown }) : undefined;
  try {
    return JSON.parse(doc);
  } catch {
    return undefined;
  }
}
