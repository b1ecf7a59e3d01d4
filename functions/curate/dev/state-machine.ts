/**
 * A local interpreter of the curate state machine (modules/curate/definition.ts): the same ASL
 * that runs in AWS, with its Lambda tasks calling the real steps (steps.ts) and its Athena tasks
 * calling an engine (the DuckDB stand-in). Supports exactly what the definition uses: Pass
 * (Parameters), Task (Parameters, ResultPath, OutputPath, Catch), Choice (StringEquals,
 * IsPresent), Map (ItemsPath, one item at a time), JSONPath `$` / `$.a.b`.
 */
import type { QueryEngine } from "../core/ports";

type Json = any;
interface State {
  Type: string;
  [k: string]: Json;
}
interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

export class ExecutionFailedError extends Error {
  constructor(
    readonly error: string,
    readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
    this.name = "ExecutionFailedError";
  }
}

class TaskError extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(`${error}: ${causeText}`);
  }
}

export interface InterpreterDeps {
  /** ARN the definition uses for the Lambda (its tasks call `invoke`). */
  functionArn: string;
  invoke(payload: Json): Promise<Json>;
  engine: QueryEngine;
}

function get(data: Json, path: string): Json {
  if (path === "$") return data;
  if (!path.startsWith("$.")) throw new Error(`unsupported path ${path}`);
  let cur = data;
  for (const part of path.slice(2).split(".")) {
    if (cur === null || typeof cur !== "object" || !(part in cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function present(data: Json, path: string): boolean {
  if (path === "$") return true;
  let cur = data;
  for (const part of path.slice(2).split(".")) {
    if (cur === null || typeof cur !== "object" || !(part in cur)) return false;
    cur = cur[part];
  }
  return true;
}

function render(template: Json, data: Json): Json {
  if (Array.isArray(template)) return template.map((t) => render(t, data));
  if (template === null || typeof template !== "object") return template;
  const out: Json = {};
  for (const [k, v] of Object.entries(template)) {
    if (k.endsWith(".$")) {
      const value = get(data, v as string);
      if (value === undefined) throw new TaskError("States.Runtime", `path ${v} not found for ${k}`);
      out[k.slice(0, -2)] = value;
    } else out[k] = render(v, data);
  }
  return out;
}

function put(data: Json, path: string | null | undefined, result: Json): Json {
  if (path === null) return data;
  if (path === undefined || path === "$") return result;
  const parts = path.slice(2).split(".");
  const copy = structuredClone(data);
  let cur = copy;
  for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
  cur[parts[parts.length - 1]] = result;
  return copy;
}

/** Athena execution parameters arrive as SQL literals ('2025-01-01'); the engine binds values. */
function unquote(p: string): string {
  const m = /^'(.*)'$/s.exec(p);
  return m ? m[1].replace(/''/g, "'") : p;
}

export async function runStateMachine(
  definition: Machine,
  input: Json,
  deps: InterpreterDeps,
): Promise<Json> {
  try {
    return await runStates(definition, input, deps);
  } catch (e) {
    if (e instanceof TaskError) throw new ExecutionFailedError(e.error, e.causeText);
    throw e;
  }
}

async function runStates(machine: Machine, input: Json, deps: InterpreterDeps): Promise<Json> {
  let name: string | undefined = machine.StartAt;
  let data = input;
  while (name) {
    const s: State = machine.States[name];
    if (!s) throw new Error(`no state ${name}`);
    if (s.Type === "Pass") {
      data = put(data, s.ResultPath, s.Parameters ? render(s.Parameters, data) : data);
    } else if (s.Type === "Choice") {
      const rule = (s.Choices as Json[]).find((c) =>
        "IsPresent" in c
          ? present(data, c.Variable) === c.IsPresent
          : "StringEquals" in c
            ? get(data, c.Variable) === c.StringEquals
            : false,
      );
      name = rule ? rule.Next : s.Default;
      continue;
    } else if (s.Type === "Map") {
      const items = get(data, s.ItemsPath) as Json[];
      const results: Json[] = [];
      for (const item of items) results.push(await runStates(s.ItemProcessor, item, deps));
      data = put(data, s.ResultPath, results);
    } else if (s.Type === "Task") {
      let result: Json;
      try {
        const params = render(s.Parameters ?? {}, data);
        result = await task(s.Resource, params, deps);
      } catch (e) {
        const err =
          e instanceof TaskError
            ? e
            : new TaskError(
                (e as Error).name ?? "Error",
                JSON.stringify({ errorType: (e as Error).name, errorMessage: (e as Error).message }),
              );
        const c = (s.Catch as Json[] | undefined)?.find(
          (x) => x.ErrorEquals.includes("States.ALL") || x.ErrorEquals.includes(err.error),
        );
        if (!c) throw err;
        data = put(data, c.ResultPath, { Error: err.error, Cause: err.causeText });
        name = c.Next;
        continue;
      }
      data = put(data, s.ResultPath, result);
      if (s.OutputPath) data = get(data, s.OutputPath);
    } else throw new Error(`unsupported state type ${s.Type}`);
    if (s.End) return data;
    name = s.Next;
  }
  return data;
}

async function task(resource: string, params: Json, deps: InterpreterDeps): Promise<Json> {
  if (resource === deps.functionArn) return structuredClone(await deps.invoke(params));
  if (resource === "arn:aws:states:::athena:startQueryExecution.sync") {
    const o = await deps.engine.execute({
      sql: params.QueryString,
      params: ((params.ExecutionParameters as string[] | undefined) ?? []).map(unquote),
    });
    const execution = {
      QueryExecutionId: o.queryExecutionId,
      Status: { State: o.state, ...(o.stateChangeReason ? { StateChangeReason: o.stateChangeReason } : {}) },
      Statistics: { DataScannedInBytes: o.bytesScanned },
    };
    if (o.state !== "SUCCEEDED")
      throw new TaskError("States.TaskFailed", JSON.stringify({ QueryExecution: execution }));
    return { QueryExecution: execution };
  }
  throw new Error(`unsupported resource ${resource}`);
}
