/**
 * The one command-line parser for scripts/: typed flags, `--help`, and a refusal (usage line,
 * exit 2) for anything it does not know, instead of silently running with defaults.
 *
 * ```ts
 * const { values, positionals } = cliArgs({
 *   command: "npm run preview --",
 *   summary: "Offline init/validate/plan of one environment's AWS stack.",
 *   flags: {
 *     env: { type: "string", description: "environment to preview", default: "dev", choices: ["dev", "stg", "prod"] },
 *     runs: { type: "number", description: "repetitions", default: 5, min: 1, integer: true },
 *     keep: { type: "boolean", description: "keep the work folder" },
 *   },
 * });
 * ```
 * Accepts `--flag value` and `--flag=value`; booleans take no value; `--` ends the flags.
 */
import { parseArgs as nodeParseArgs } from "node:util";

type Kind = "string" | "number" | "boolean";
type Plain<K extends Kind> = K extends "number" ? number : K extends "boolean" ? boolean : string;

export interface Flag<K extends Kind = Kind> {
  readonly type: K;
  readonly description: string;
  /** One-letter alias (`-h`). */
  readonly short?: string;
  /** Used when the flag is absent. Booleans default to false. */
  readonly default?: Plain<K>;
  /** Repeatable: the value is an array of every occurrence. */
  readonly multiple?: boolean;
  /** Refuse absence (when there is no default). */
  readonly required?: boolean;
  /** The accepted values (strings). */
  readonly choices?: readonly string[];
  /** Numbers: lower bound, inclusive. */
  readonly min?: number;
  /** Numbers: upper bound, inclusive. */
  readonly max?: number;
  /** Numbers: refuse fractions. */
  readonly integer?: boolean;
  /** Name of the value in the help text. @default the flag's type */
  readonly placeholder?: string;
}

export type Flags = Record<string, Flag>;

export interface Cli<F extends Flags> {
  /** How the command is typed, e.g. `npm run bench:synth --`. */
  readonly command: string;
  /** One line on what the command does. */
  readonly summary: string;
  readonly flags: F;
  /** Positional arguments; none are accepted when absent. */
  readonly positionals?: {
    readonly name: string;
    readonly description: string;
    /** @default 0 */
    readonly min?: number;
    /** @default Infinity */
    readonly max?: number;
  };
}

type ValueOf<F> =
  F extends Flag<infer K>
    ? F extends { multiple: true }
      ? Plain<K>[]
      : F extends { default: unknown } | { required: true } | { type: "boolean" }
        ? Plain<K>
        : Plain<K> | undefined
    : never;

export type Values<F extends Flags> = { -readonly [N in keyof F]: ValueOf<F[N]> };

/** Bad command-line input; the message names the flag and the value. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Parses argv (default: `process.argv.slice(2)`); throws UsageError, or HelpRequested for --help. */
export function parseCli<F extends Flags>(
  cli: Cli<F>,
  argv: readonly string[] = process.argv.slice(2),
): { values: Values<F>; positionals: string[] } {
  if ("help" in cli.flags) throw new Error("args: --help is built in, do not declare it");
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {
    help: { type: "boolean", short: "h" },
  };
  for (const [name, f] of Object.entries(cli.flags)) {
    options[name] = {
      type: f.type === "boolean" ? "boolean" : "string",
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof nodeParseArgs>;
  try {
    parsed = nodeParseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(cleanNodeMessage((e as Error).message));
  }
  if (parsed.values.help) throw new HelpRequested(helpText(cli));

  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(cli.flags)) {
    const raw = parsed.values[name] as string | boolean | (string | boolean)[] | undefined;
    if (raw === undefined) {
      if (f.required && f.default === undefined) problems.push(`--${name} is required`);
      values[name] = f.multiple ? [] : (f.default ?? (f.type === "boolean" ? false : undefined));
      continue;
    }
    const list = Array.isArray(raw) ? raw : [raw];
    const converted = list.map((v) => convert(name, f, v, problems));
    values[name] = f.multiple ? converted : converted[converted.length - 1];
  }
  const positionals = parsed.positionals;
  const p = cli.positionals;
  if (!p && positionals.length > 0) {
    problems.push(`unexpected argument "${positionals[0]}" (this command takes no positional arguments)`);
  } else if (p) {
    if (positionals.length < (p.min ?? 0)) problems.push(`missing <${p.name}> (${p.description})`);
    if (positionals.length > (p.max ?? Number.POSITIVE_INFINITY)) {
      problems.push(`too many arguments: at most ${p.max} <${p.name}>, got ${positionals.length}`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join("; "));
  return { values: values as Values<F>, positionals };
}

/** parseCli for a script's main: prints help (exit 0) or the error and usage (exit 2). */
export function cliArgs<F extends Flags>(
  cli: Cli<F>,
  argv: readonly string[] = process.argv.slice(2),
): { values: Values<F>; positionals: string[] } {
  try {
    return parseCli(cli, argv);
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(e.message);
      process.exit(0);
    }
    if (e instanceof UsageError) refuse(cli, e.message);
    throw e;
  }
}

/**
 * For input refused after parsing (a date that is not a date, an unknown id): the error, the
 * usage line, exit 2, as cliArgs does for what it refuses itself.
 */
export function refuse(cli: Cli<Flags>, message: string): never {
  process.stderr.write(`error: ${message}\n${usageLine(cli)}\n(--help for every option)\n`);
  process.exit(2);
}

export class HelpRequested extends Error {
  override readonly name = "HelpRequested";
}

function convert(name: string, f: Flag, v: string | boolean, problems: string[]): unknown {
  if (f.type === "boolean") return v;
  const s = String(v);
  if (f.type === "number") {
    const n = s.trim() === "" ? Number.NaN : Number(s);
    if (!Number.isFinite(n)) {
      problems.push(`--${name}: "${s}" is not a number`);
    } else if (f.integer && !Number.isInteger(n)) {
      problems.push(`--${name}: ${s} is not a whole number`);
    } else if (f.min !== undefined && n < f.min) {
      problems.push(`--${name}: ${s} is below the minimum ${f.min}`);
    } else if (f.max !== undefined && n > f.max) {
      problems.push(`--${name}: ${s} is above the maximum ${f.max}`);
    }
    return n;
  }
  if (f.choices && !f.choices.includes(s)) {
    problems.push(`--${name}: "${s}" is not one of ${f.choices.join(", ")}`);
  }
  return s;
}

function cleanNodeMessage(m: string): string {
  // Node's messages end with advice about "--" that does not fit an npm script.
  return m
    .replace(/\. To specify a positional argument.*$/s, "")
    .replace(/^Unknown option/, "unknown option")
    .replace(/^Option '(-[^ ']+)[^']*' argument missing$/, "$1 needs a value")
    .replace(/^Option '(-[^ ']+)[^']*' does not take an argument$/, "$1 takes no value");
}

function flagSyntax(name: string, f: Flag): string {
  const value =
    f.type === "boolean" ? "" : ` <${f.placeholder ?? (f.choices ? f.choices.join("|") : f.type)}>`;
  return `--${name}${value}`;
}

export function usageLine(cli: Cli<Flags>): string {
  const flags = Object.entries(cli.flags).map(([n, f]) =>
    f.required ? flagSyntax(n, f) : `[${flagSyntax(n, f)}]`,
  );
  const p = cli.positionals;
  const pos = p
    ? [
        (p.min ?? 0) > 0 ? `<${p.name}>` : `[<${p.name}>]`,
        (p.max ?? Number.POSITIVE_INFINITY) > 2 ? "..." : "",
      ].join("")
    : "";
  return ["usage:", cli.command, ...flags, pos].filter(Boolean).join(" ");
}

export function helpText(cli: Cli<Flags>): string {
  const rows: [string, string][] = Object.entries(cli.flags).map(([n, f]) => {
    const extra = [
      f.default !== undefined && f.type !== "boolean" ? `default ${f.default}` : "",
      f.required ? "required" : "",
      f.multiple ? "repeatable" : "",
    ].filter(Boolean);
    return [
      `${f.short ? `-${f.short}, ` : "    "}${flagSyntax(n, f)}`,
      `${f.description}${extra.length ? ` (${extra.join(", ")})` : ""}`,
    ];
  });
  rows.push(["-h, --help", "print this help"]);
  if (cli.positionals) rows.unshift([`    <${cli.positionals.name}>`, cli.positionals.description]);
  const width = Math.max(...rows.map(([a]) => a.length));
  const body = rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join("\n");
  return `${cli.summary}\n\n${usageLine(cli)}\n\n${body}\n`;
}

/**
 * A count given as an optional positional argument (`npm run -s limits -- 50`): `fallback` when
 * absent, otherwise a whole number >= 1; anything else goes to `refuse` with why.
 */
export function wholeNumber(
  raw: string | undefined,
  fallback: number,
  refuse: (why: string) => never,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1)
    refuse(`must be a whole number >= 1 (got "${raw}")`);
  return n;
}
