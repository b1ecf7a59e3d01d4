/**
 * The validated configuration of this app: environments (selected by STACK_ENV, STATE override),
 * and every registered list, checked together, all problems thrown once.
 */

import { bigquery } from "./bigquery";
import { environments } from "./environments";
import { type LoadOptions, loadEnvironments } from "./load";
import { ConfigError } from "./problems";
import {
  type AnyConfigEntry,
  isSection,
  type LoadedLists,
  loadList,
  loadListOnly,
  loadSection,
} from "./registry";
import {
  ENVIRONMENTS,
  type EnvironmentConfig,
  type EnvironmentInput,
  type EnvironmentName,
  environmentSchema,
} from "./schema";
import { loadSources, sources } from "./sources";
import { transforms } from "./transforms";

/**
 * Every configuration list (and section) the loader validates, in dependency order (a list's
 * `check` sees the lists before it). Register a new one by adding it here (see config/registry.ts).
 */
export const CONFIG_LISTS = [sources, transforms, bigquery] as const;

export interface AppConfig {
  /** The selected environments (STACK_ENV). */
  environments: EnvironmentConfig[];
  /** Every configured environment (the GitHub stack configures each one's deployment). */
  allEnvironments: EnvironmentConfig[];
  lists: LoadedLists<typeof CONFIG_LISTS>;
}

export interface AppConfigInput {
  environments?: Parameters<typeof loadEnvironments>[0];
  lists?: readonly AnyConfigEntry[];
}

/** Validates everything; throws one ConfigError listing every problem. */
export function loadAppConfig(
  options: LoadOptions = { select: process.env.STACK_ENV, stateOverride: process.env.STATE },
  input: AppConfigInput = {},
): AppConfig {
  const problems: string[] = [];
  const collect = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const rawEnvs = input.environments ?? environments;
  const all = collect(() => loadEnvironments(rawEnvs)) ?? [];
  const selected = collect(() => loadEnvironments(rawEnvs, options)) ?? [];
  const lists: Record<string, unknown> = {};
  const declaredIds: Record<string, string[]> = {};
  const environmentNames = environmentNamesOf(rawEnvs);
  for (const list of input.lists ?? CONFIG_LISTS) {
    const context = {
      environments: all,
      environmentNames,
      lists: lists as Record<string, readonly unknown[]>,
      declaredIds,
    };
    if (isSection(list)) {
      const loaded = loadSection(list, context);
      problems.push(...loaded.problems);
      lists[list.name] = loaded.value;
    } else {
      const loaded = loadList(list, context);
      problems.push(...loaded.problems);
      lists[list.name] = loaded.entries;
      declaredIds[list.name] = loaded.declaredIds;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    environments: selected,
    allEnvironments: all,
    lists: lists as AppConfig["lists"],
  };
}

/** Name and (valid or default) prefix of each known environment, whatever its other fields hold. */
function environmentNamesOf(raw: Partial<Record<string, EnvironmentInput>>) {
  return Object.entries(raw).flatMap(([name, env]) => {
    const prefix = environmentSchema.shape.prefix.safeParse(env?.prefix);
    return (ENVIRONMENTS as readonly string[]).includes(name) && prefix.success
      ? [{ name: name as EnvironmentName, prefix: prefix.data }]
      : [];
  });
}

export { loadListOnly, loadSources };
