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
import { ConfigError, checkStrict, formatPath } from "./problems";
import type { EnvironmentConfig } from "./schema";

export interface ListCheckContext {
  /** Every configured environment (validated), for names derived per environment. */
  readonly environments: readonly EnvironmentConfig[];
  /** Lists validated before this one (in CONFIG_LISTS order), by name. */
  readonly lists: Readonly<Record<string, readonly unknown[]>>;
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

/** Any registered list, whatever its schema (for collections of lists). */
// biome-ignore lint/suspicious/noExplicitAny: a list's check is contravariant in its entry type.
export type AnyConfigList = ConfigList<string, any>;

export type LoadedLists<L extends readonly ConfigList[]> = {
  [K in L[number] as K["name"]]: ReadonlyArray<z.output<K["schema"]>>;
};

/** Validates one list; returns its typed entries and every problem (never throws). */
export function loadList<N extends string, S extends z.ZodType>(
  list: ConfigList<N, S>,
  context: Omit<ListCheckContext, "problem">,
): { entries: Array<z.output<S>>; problems: string[] } {
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
  if (list.check) {
    list.check(entries, {
      ...context,
      problem: (id, field, message) =>
        problems.push(`${formatPath(`${list.name}[${id}]`, field ? [field] : [])}: ${message}`),
    });
  }
  return { entries, problems };
}

/** The validated entries of one list alone (tests, scripts); throws one ConfigError. */
export function loadListOnly<N extends string, S extends z.ZodType>(
  list: ConfigList<N, S>,
): Array<z.output<S>> {
  const loaded = loadList(list, { environments: [], lists: {} });
  if (loaded.problems.length > 0) throw new ConfigError(loaded.problems);
  return loaded.entries;
}
