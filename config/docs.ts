/**
 * The README's configuration tables, generated from the zod schemas the loader validates with:
 * one row per field (path, type, default, description). A field's description is its schema's
 * `.describe()` (outermost first), else the entry of FIELD_DOCS (config/field-docs.ts: for schemas
 * shared with the Lambdas, whose files the functions own). `npm run docs:config` writes the tables
 * between markers in README.md; config/docs.test.ts fails when a field has no description or the
 * README is stale.
 */
import { z } from "zod";
import { transformSchema } from "../functions/curate/core/spec";
import { replaceBetween } from "../lib/readme-blocks";
import { bigqueryDeclarationSchema } from "./bigquery-schema";
import { FIELD_DOCS } from "./field-docs";
import { environmentSchema, sourceSchema } from "./schema";

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definition is untyped across kinds.
type Def = any;
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const describedAs = (s: z.ZodType): string | undefined => z.globalRegistry.get(s)?.description;

export interface FieldRow {
  /** Path of the field in one entry: `aws.agentHost.rootVolume.iops`, `columns[].type`, `state[type=s3].bucket`. */
  field: string;
  type: string;
  /** The default (JSON), `required`, or `optional` (no default: absent means off or none). */
  default: string;
  description?: string;
}

export interface ConfigTable {
  /** Marker id in README.md (`<!-- config-fields:<id> -->`). */
  id: string;
  /** Where the entries are written. */
  file: string;
  schema: z.ZodType;
}

/** The tables the README documents, in README order. */
export const CONFIG_TABLES: ConfigTable[] = [
  { id: "environments", file: "config/environments.ts", schema: environmentSchema },
  { id: "sources", file: "config/sources.ts", schema: sourceSchema },
  { id: "transforms", file: "config/transforms.ts", schema: transformSchema },
  { id: "bigquery", file: "config/bigquery.ts", schema: bigqueryDeclarationSchema },
];

interface Unwrapped {
  def: Def;
  description?: string;
  defaultValue?: unknown;
  hasDefault: boolean;
  optional: boolean;
}

const WRAPPERS = ["optional", "nullable", "default", "prefault", "nonoptional", "readonly", "catch"];

function unwrap(schema: z.ZodType): Unwrapped {
  const out: Unwrapped = { def: defOf(schema), hasDefault: false, optional: false };
  let s = schema;
  for (;;) {
    out.description ??= describedAs(s);
    const def = defOf(s);
    if (def.type === "default" || def.type === "prefault") {
      if (!out.hasDefault) {
        out.hasDefault = true;
        out.defaultValue = typeof def.defaultValue === "function" ? def.defaultValue() : def.defaultValue;
      }
    }
    if (def.type === "optional") out.optional = true;
    if (WRAPPERS.includes(def.type)) {
      s = def.innerType;
      continue;
    }
    if (def.type === "pipe") {
      s = def.in;
      continue;
    }
    out.def = def;
    return out;
  }
}

const quote = (v: unknown) => JSON.stringify(v);

function typeOf(def: Def): string {
  switch (def.type) {
    case "string":
      return def.format && def.format !== "regex" ? `string (${def.format})` : "string";
    case "number":
      return def.checks?.some((c: Def) => defOf(c)?.format === "safeint") ? "integer" : "number";
    case "boolean":
      return "boolean";
    case "enum":
      return Object.values(def.entries).map(quote).join(" \\| ");
    case "literal":
      return def.values.map(quote).join(" \\| ");
    case "array": {
      const el = unwrap(def.element).def;
      const inner = typeOf(el);
      return el.type === "union" && !el.discriminator ? `(${inner})[]` : `${inner}[]`;
    }
    case "record":
      return `map of ${typeOf(unwrap(def.valueType).def)}`;
    case "object":
      return "object";
    case "union":
      return def.discriminator
        ? `object (by ${def.discriminator})`
        : (def.options as z.ZodType[]).map((o) => typeOf(unwrap(o).def)).join(" \\| ");
    default:
      return def.type;
  }
}

function defaultOf(u: Unwrapped): string {
  if (u.hasDefault) {
    const v = u.defaultValue;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) return "see fields";
    const s = quote(v) ?? "";
    return s.length > 40 ? `${s.slice(0, 37)}…` : s;
  }
  return u.optional ? "optional" : "required";
}

/** Every field of `schema`, depth first, with what documents it. */
export function fieldRows(schema: z.ZodType, docs: Readonly<Record<string, string>> = {}): FieldRow[] {
  const rows: FieldRow[] = [];
  const visit = (s: z.ZodType, path: string) => {
    const u = unwrap(s);
    if (path) {
      rows.push({
        field: path,
        type: typeOf(u.def),
        default: defaultOf(u),
        description: docs[path] ?? u.description,
      });
    }
    children(u.def, path);
  };
  const children = (def: Def, path: string) => {
    const at = (k: string) => (path ? `${path}.${k}` : k);
    if (def.type === "object") {
      for (const [k, v] of Object.entries(def.shape as Record<string, z.ZodType>)) visit(v, at(k));
    } else if (def.type === "array") {
      const el = unwrap(def.element).def;
      if (hasFields(el)) children(el, `${path}[]`);
    } else if (def.type === "record") {
      const value = unwrap(def.valueType).def;
      if (hasFields(value)) children(value, `${path}.<id>`);
    } else if (def.type === "union" && def.discriminator) {
      for (const option of def.options as z.ZodType[]) {
        const o = unwrap(option).def;
        const tag = defOf(o.shape[def.discriminator]).values?.[0];
        for (const [k, v] of Object.entries(o.shape as Record<string, z.ZodType>)) {
          if (k !== def.discriminator) visit(v, `${path}[${def.discriminator}=${tag}].${k}`);
        }
      }
    }
  };
  visit(schema, "");
  return rows;
}

const hasFields = (def: Def) => def.type === "object" || (def.type === "union" && def.discriminator);

const cell = (s: string) =>
  s.replace(/\n\s*/g, " ").replace(/\|/g, (m, i, all) => (all[i - 1] === "\\" ? m : "\\|"));

/** The markdown table of one config table. */
export function renderTable(table: ConfigTable): string {
  const rows = fieldRows(table.schema, FIELD_DOCS[table.id]);
  return [
    `Fields of each entry of \`${table.file}\` (generated by \`npm run docs:config\` from the schema):`,
    "",
    "| field | type | default | description |",
    "|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| \`${r.field}\` | ${cell(r.type)} | ${r.default === "required" || r.default === "optional" || r.default === "see fields" ? r.default : `\`${r.default}\``} | ${cell(r.description ?? "**undocumented**")} |`,
    ),
  ].join("\n");
}

export const marker = (id: string, end = false) => `<!-- config-fields:${id}${end ? ":end" : ""} -->`;

/** README text with every table replaced by its generated version; missing markers are listed. */
export function renderReadme(readme: string): { text: string; missingMarkers: string[] } {
  let text = readme;
  const missingMarkers: string[] = [];
  for (const table of CONFIG_TABLES) {
    const next = replaceBetween(text, marker(table.id), marker(table.id, true), renderTable(table));
    if (next === undefined) missingMarkers.push(table.id);
    else text = next;
  }
  return { text, missingMarkers };
}
