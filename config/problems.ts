/**
 * Configuration problems: one line each, `<where>.<field>: <message> (got <value>)`, collected and
 * thrown once as a ConfigError (main prints the lines, no stack trace).
 */
import type { z } from "zod";
import { didYouMean } from "../lib/suggest";
import { type PathSegment, unknownKeys } from "./strict";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: string[];
  constructor(problems: string[]) {
    const unique = [...new Set(problems)];
    super(
      `Invalid configuration (${unique.length} problem${unique.length === 1 ? "" : "s"}):\n${unique.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.problems = unique;
  }
}

/** `dev.aws.availabilityZones[0]`, `sources[demo_orders].settings.schedule`. */
export function formatPath(where: string, path: readonly PathSegment[]): string {
  let out = where;
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s !== undefined && s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** Reads the value at `path` (zod 4 leaves `input` out of some issues). */
const valueAt = (root: unknown, path: readonly PropertyKey[]) =>
  path.reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], root);

function issueMessage(issue: z.core.$ZodIssue, root: unknown): string {
  const input = "input" in issue && issue.input !== undefined ? issue.input : valueAt(root, issue.path);
  if (issue.code === "invalid_type" && input === undefined) return "required";
  if (issue.code === "invalid_value" && typeof input === "string") {
    const options = issue.values.filter((v): v is string => typeof v === "string");
    return `${issue.message}${didYouMean(input, options)} (got ${show(input)})`;
  }
  if (issue.code === "invalid_union" && "discriminator" in issue) {
    return `${issue.message} (got ${show(input)})`;
  }
  const shown = show(input);
  const received =
    input !== undefined &&
    typeof input !== "object" &&
    !issue.message.includes("(got ") &&
    !issue.message.includes(String(input))
      ? ` (got ${shown})`
      : "";
  return `${issue.message}${received}`;
}

/** One problem at a path inside the checked value (before it is named). */
export interface PathProblem {
  path: PathSegment[];
  message: string;
}

/**
 * Every problem of `input` against `schema`, strictly: unknown keys (with "did you mean") and every
 * zod issue, each with its path. Never throws.
 */
export function strictIssues<S extends z.ZodType>(
  schema: S,
  input: unknown,
):
  | { ok: true; data: z.output<S>; problems: PathProblem[] }
  | { ok: false; data?: z.output<S>; problems: PathProblem[] } {
  const problems: PathProblem[] = unknownKeys(schema, input);
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // Strict zod objects report unknown keys too; the walk above already named them (with a hint).
      if (issue.code === "unrecognized_keys") continue;
      problems.push({ path: issue.path as PathSegment[], message: issueMessage(issue, input) });
    }
    return { ok: false, problems };
  }
  // Only unknown keys: the value itself parsed (callers may still run cross-field rules on it).
  return problems.length > 0
    ? { ok: false, data: parsed.data, problems }
    : { ok: true, data: parsed.data, problems };
}

/**
 * Validates `input` against `schema` strictly: unknown keys (with "did you mean") and every zod
 * issue, each as one line under `where`. Never throws.
 */
export function checkStrict<S extends z.ZodType>(
  where: string,
  schema: S,
  input: unknown,
): { ok: true; data: z.output<S>; problems: string[] } | { ok: false; problems: string[] } {
  const r = strictIssues(schema, input);
  const problems = r.problems.map((p) => `${formatPath(where, p.path)}: ${p.message}`);
  return r.ok ? { ok: true, data: r.data, problems } : { ok: false, problems };
}
