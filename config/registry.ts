/**
 * The configuration list registry: every reviewed list of entries (ingestion sources, curate
 * transforms, BigQuery tables, reconcile checks, …) is declared once with `defineList` and
 * validated by `loadAppConfig` (config/index.ts) with the environments, strictly and all at once:
 *
 * - unknown keys are refused, with "did you mean" for near misses;
 * - each problem names the entry by id and the field: `sources[demo_orders].settings.schedule: …`;
 * - ids must be unique within the list; the list's `check` adds cross-entry rules;
 * - nothing runs at import time: a list file only exports data, so a typo never prints a stack trace.
 *
 * Adding a list (e.g. `config/transforms.ts`):
 *
 * ```ts
 * export const transformSchema = z.object({ id: z.string(), sql: z.string(), … });
 * export const defineTransform = entryOf(transformSchema);       // typed: tsc catches typos
 * export const transforms = defineList({
 *   name: "transforms",
 *   schema: transformSchema,
 *   entries: [defineTransform({ id: "orders_daily", sql: "…" })],
 *   check: (entries, ctx) => { … ctx.problem(entry.id, "sql", "…") },
 * });
 * ```
 *
 * then add `transforms` to `CONFIG_LISTS` in config/index.ts; `loadAppConfig().lists.transforms`
 * is the typed, validated array.
 */
import type { z } from "zod";
import { ConfigError, checkStrict, formatPath, type PathProblem, strictIssues } from "./problems";
import type { EnvironmentConfig } from "./schema";
import type { PathSegment } from "./strict";

export interface ListCheckContext {
  /** Every configured environment (validated), for names derived per environment. */
  readonly environments: readonly EnvironmentConfig[];
  /**
   * Name and prefix of every configured environment, even one whose other fields are invalid
   * (names derived per environment are checked for each). @default - those of `environments`
   */
  readonly environmentNames?: ReadonlyArray<Pick<EnvironmentConfig, "name" | "prefix">>;
  /** Lists validated before this one (in CONFIG_LISTS order), by name. */
  readonly lists: Readonly<Record<string, readonly unknown[]>>;
  /**
   * Every id declared in the lists before this one, valid or not: a reference to an entry that is
   * itself invalid is not reported again (its own problem says what is wrong). @default {}
   */
  readonly declaredIds?: Readonly<Record<string, readonly string[]>>;
  /** Reports a problem on entry `id` (field path relative to the entry, e.g. "settings.schedule"). */
  problem(id: string, field: string, message: string): void;
}

export interface ConfigList<N extends string = string, S extends z.ZodType = z.ZodType> {
  /** Name in messages and in `loadAppConfig().lists`: `<name>[<id>].<field>`. */
  readonly name: N;
  /** Schema of one entry. */
  readonly schema: S;
  /** The raw entries, in review order. */
  readonly entries: ReadonlyArray<z.input<S>>;
  /** Field holding each entry's id (unique in the list). @default "id" */
  readonly idField?: string;
  /** Cross-entry rules (unique prefixes, references into other lists). @default - none */
  readonly check?: (entries: ReadonlyArray<z.output<S>>, ctx: ListCheckContext) => void;
  /** One line per field for the README table (checked by config/docs.test.ts). @default - none */
  readonly description?: string;
}

/** Declares a configuration list (validated later, by the loader). */
export function defineList<const N extends string, S extends z.ZodType>(
  list: ConfigList<N, S>,
): ConfigList<N, S> {
  return list;
}

/** A typed identity helper for one list's entries (`defineSource`, `defineTransform`, …). */
export function entryOf<S extends z.ZodType>(_schema: S): (entry: z.input<S>) => z.input<S> {
  return (entry) => entry;
}

/**
 * A configuration section: one reviewed object (not a list of entries) whose arrays and records
 * name their entries by id, e.g. `bigquery` with `tables[dwh.orders]`, `checks[orders]`,
 * `loads[orders_enriched]`. Validated strictly by the same loader, after the lists before it.
 */
export interface ConfigSection<N extends string = string, S extends z.ZodType = z.ZodType, V = z.output<S>> {
  readonly kind: "section";
  /** Name in messages and in `loadAppConfig().lists`: `<name>.<field>`. */
  readonly name: N;
  readonly schema: S;
  /** The raw, reviewed value. */
  readonly value: z.input<S>;
  /**
   * How entries are named in messages, per top-level field: a function of the raw entry (arrays)
   * or `"key"` (records: the key). Unnamed arrays keep their index. @default - indexes
   */
  // biome-ignore lint/suspicious/noExplicitAny: raw entries are unvalidated.
  readonly entryIds?: Readonly<Record<string, "key" | ((raw: any) => unknown)>>;
  /**
   * Cross-field rules and derived values, on the schema-valid value (sees the lists before it).
   * Returns the loaded value and each problem as a full line (`bigquery.tables[dwh.x].…: …`).
   * @default - the parsed value, no further problems
   */
  readonly resolve?: (
    value: z.output<S>,
    ctx: Omit<ListCheckContext, "problem">,
  ) => { value: V; problems: readonly string[] };
  /** One line for the README. @default - none */
  readonly description?: string;
}

/** Declares a configuration section (validated later, by the loader). */
export function defineSection<const N extends string, S extends z.ZodType, V = z.output<S>>(
  section: Omit<ConfigSection<N, S, V>, "kind">,
): ConfigSection<N, S, V> {
  return { ...section, kind: "section" };
}

/** `bigquery.tables[dwh.orders].clustering[0]`: the path with entries named as the section says. */
export function sectionPath(
  section: Pick<ConfigSection, "name" | "entryIds">,
  raw: unknown,
  path: readonly PathSegment[],
): string {
  const [head, key, ...rest] = path;
  const naming = typeof head === "string" ? section.entryIds?.[head] : undefined;
  if (naming !== undefined && key !== undefined) {
    const entry = (raw as Record<string, Record<PropertyKey, unknown>> | undefined)?.[head as string]?.[key];
    const id = naming === "key" ? key : entry === undefined ? undefined : naming(entry);
    const label = typeof id === "string" && id !== "" ? id : `#${String(key)}`;
    return formatPath(`${section.name}.${String(head)}[${label}]`, rest);
  }
  return formatPath(section.name, path);
}

/** Validates one section; returns its value (when valid) and every problem (never throws). */
export function loadSection<N extends string, S extends z.ZodType, V>(
  section: ConfigSection<N, S, V>,
  context: Omit<ListCheckContext, "problem">,
): { value?: V; problems: string[] } {
  const r = strictIssues(section.schema, section.value);
  const problems = r.problems.map(
    (p: PathProblem) => `${sectionPath(section, section.value, p.path)}: ${p.message}`,
  );
  // An unknown key leaves the parsed value intact: its cross-field rules still run (all at once).
  if (r.data === undefined) return { problems };
  if (!section.resolve) return { value: r.ok ? (r.data as V) : undefined, problems };
  const resolved = section.resolve(r.data, context);
  return { value: r.ok ? resolved.value : undefined, problems: [...problems, ...resolved.problems] };
}

/** Any registered list, whatever its schema (for collections of lists). */
// biome-ignore lint/suspicious/noExplicitAny: a list's check is contravariant in its entry type.
export type AnyConfigList = ConfigList<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: a section's resolve is contravariant in its value type.
export type AnyConfigSection = ConfigSection<string, any, any>;
/** A list or a section: what CONFIG_LISTS holds. */
export type AnyConfigEntry = AnyConfigList | AnyConfigSection;

export const isSection = (entry: AnyConfigEntry): entry is AnyConfigSection =>
  "kind" in entry && entry.kind === "section";

export type LoadedLists<L extends readonly AnyConfigEntry[]> = {
  [K in L[number] as K["name"]]: K extends ConfigSection<string, z.ZodType, infer V>
    ? V
    : ReadonlyArray<z.output<K["schema"]>>;
};

/** Validates one list; returns its typed entries and every problem (never throws). */
export function loadList<N extends string, S extends z.ZodType>(
  list: ConfigList<N, S>,
  context: Omit<ListCheckContext, "problem">,
): { entries: Array<z.output<S>>; problems: string[]; declaredIds: string[] } {
  const idField = list.idField ?? "id";
  const problems: string[] = [];
  const entries: Array<z.output<S>> = [];
  const seen = new Map<string, number>();
  list.entries.forEach((raw, i) => {
    const rawId = (raw as Record<string, unknown> | undefined)?.[idField];
    const label =
      typeof rawId === "string" && rawId !== "" ? `${list.name}[${rawId}]` : `${list.name}[#${i}]`;
    const result = checkStrict(label, list.schema, raw);
    problems.push(...result.problems);
    if (typeof rawId === "string") {
      const first = seen.get(rawId);
      if (first !== undefined)
        problems.push(`${label}.${idField}: "${rawId}" is used twice (entries #${first} and #${i})`);
      else seen.set(rawId, i);
    }
    if (result.ok) entries.push(result.data);
  });
  const declaredIds = [...seen.keys()];
  if (list.check) {
    list.check(entries, {
      ...context,
      declaredIds: { ...context.declaredIds, [list.name]: declaredIds },
      problem: (id, field, message) =>
        problems.push(`${formatPath(`${list.name}[${id}]`, field ? [field] : [])}: ${message}`),
    });
  }
  return { entries, problems, declaredIds };
}

/** The validated entries of one list alone (tests, scripts); throws one ConfigError. */
export function loadListOnly<N extends string, S extends z.ZodType>(
  list: ConfigList<N, S>,
): Array<z.output<S>> {
  const loaded = loadList(list, { environments: [], lists: {} });
  if (loaded.problems.length > 0) throw new ConfigError(loaded.problems);
  return loaded.entries;
}
