/**
 * The dependency graph of transforms over sources: validation (unknown ids, cycles named in
 * order), a stable topological order, and what lies downstream of a source.
 */
export interface GraphNode {
  id: string;
  dependsOn: readonly string[];
}

export interface GraphProblem {
  /** The transform the problem is on. */
  id: string;
  /** Field path in that transform's entry, e.g. `dependsOn.1`. */
  field: string;
  message: string;
}

/** Problems naming the transform and the field; empty when the graph is sound. */
export function graphProblems(
  transforms: readonly GraphNode[],
  sourceIds: readonly string[],
): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const sources = new Set(sourceIds);
  const ids = new Map<string, number>();
  transforms.forEach((t, i) => {
    if (ids.has(t.id)) problems.push({ id: t.id, field: "id", message: `"${t.id}" is used twice` });
    else if (sources.has(t.id))
      problems.push({
        id: t.id,
        field: "id",
        message: `"${t.id}" is also a source id (ids must be unique across both)`,
      });
    ids.set(t.id, i);
  });
  transforms.forEach((t) => {
    t.dependsOn.forEach((d, j) => {
      if (!sources.has(d) && !ids.has(d)) {
        problems.push({
          id: t.id,
          field: `dependsOn[${j}]`,
          message: `unknown id "${d}" (neither a source in config/sources.ts nor a transform)`,
        });
      }
      if (d === t.id)
        problems.push({ id: t.id, field: `dependsOn[${j}]`, message: `${t.id} depends on itself` });
    });
  });
  for (const cycle of findCycles(transforms)) {
    const first = cycle[0];
    problems.push({
      id: first,
      field: "dependsOn",
      message: `cycle ${[...cycle, first].join(" -> ")} (each feeds the next)`,
    });
  }
  return problems;
}

/** Each elementary cycle found by DFS, reported once, starting at its smallest id. */
export function findCycles(transforms: readonly GraphNode[]): string[][] {
  const deps = new Map(transforms.map((t) => [t.id, t.dependsOn.filter((d) => d !== t.id)]));
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const cycles = new Map<string, string[]>();
  const visit = (id: string) => {
    state.set(id, "active");
    stack.push(id);
    for (const d of deps.get(id) ?? []) {
      if (!deps.has(d)) continue;
      if (state.get(d) === "active") {
        const cycle = stack.slice(stack.indexOf(d));
        // a -> b means a depends on b; report in data-flow order (b feeds a) for readability.
        cycle.reverse();
        const min = cycle.indexOf([...cycle].sort()[0]);
        const rotated = [...cycle.slice(min), ...cycle.slice(0, min)];
        cycles.set(rotated.join(">"), rotated);
      } else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const t of [...transforms].sort((a, b) => a.id.localeCompare(b.id))) if (!state.has(t.id)) visit(t.id);
  return [...cycles.values()];
}

/** Transforms in dependency order (ties by id, so the order is stable). Assumes no cycle. */
export function topoOrder<T extends GraphNode>(transforms: readonly T[]): T[] {
  const byId = new Map(transforms.map((t) => [t.id, t]));
  const out: T[] = [];
  const done = new Set<string>();
  const visit = (t: T, path: Set<string>) => {
    if (done.has(t.id)) return;
    if (path.has(t.id)) throw new Error(`cycle through ${t.id}`);
    path.add(t.id);
    for (const d of [...t.dependsOn].sort()) {
      const dep = byId.get(d);
      if (dep) visit(dep, path);
    }
    path.delete(t.id);
    done.add(t.id);
    out.push(t);
  };
  for (const t of [...transforms].sort((a, b) => a.id.localeCompare(b.id))) visit(t, new Set());
  return out;
}

/** Ids of every transform that reads `id` directly or through other transforms. */
export function downstreamOf(transforms: readonly GraphNode[], id: string): Set<string> {
  const out = new Set<string>();
  let frontier = [id];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const t of transforms) {
      if (out.has(t.id)) continue;
      if (t.dependsOn.some((d) => frontier.includes(d))) {
        out.add(t.id);
        next.push(t.id);
      }
    }
    frontier = next;
  }
  return out;
}
