/**
 * The one translation step between a transform's SQL file and the engine (Athena/Trino or
 * DuckDB). The rule: a transform is one SELECT (or WITH ... SELECT) in the subset both engines
 * share, and the runner only
 *   1. binds named parameters (`:run_date`) as positional `?` with values passed separately
 *      (never pasted into the text);
 *   2. qualifies `raw.<source>` and `curated.<table>` with the environment's database names.
 * Strings, quoted identifiers and comments are never touched. `::` casts (DuckDB/Postgres only)
 * are refused: write CAST(x AS type).
 */
import { SqlError } from "./errors";

type Token =
  | { kind: "word"; text: string }
  | { kind: "quoted"; text: string; value: string }
  | { kind: "string"; text: string }
  | { kind: "comment"; text: string }
  | { kind: "space"; text: string }
  | { kind: "param"; text: string; name: string }
  | { kind: "punct"; text: string };

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const start = i;
    if (c === "'") {
      i++;
      while (i < n) {
        if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      if (i >= n) throw new SqlError(`unterminated string literal starting at offset ${start}`);
      i++;
      out.push({ kind: "string", text: sql.slice(start, i) });
    } else if (c === '"') {
      i++;
      while (i < n) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') break;
        else i++;
      }
      if (i >= n) throw new SqlError(`unterminated quoted identifier starting at offset ${start}`);
      i++;
      const text = sql.slice(start, i);
      out.push({ kind: "quoted", text, value: text.slice(1, -1).replace(/""/g, '"') });
    } else if (c === "-" && sql[i + 1] === "-") {
      while (i < n && sql[i] !== "\n") i++;
      out.push({ kind: "comment", text: sql.slice(start, i) });
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) throw new SqlError(`unterminated block comment starting at offset ${start}`);
      i = end + 2;
      out.push({ kind: "comment", text: sql.slice(start, i) });
    } else if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i])) i++;
      out.push({ kind: "space", text: sql.slice(start, i) });
    } else if (c === ":" && sql[i + 1] === ":") {
      throw new SqlError(`"::" cast at offset ${start} is not Trino SQL; write CAST(x AS type)`);
    } else if (c === ":" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      i++;
      while (i < n && /[A-Za-z0-9_]/.test(sql[i])) i++;
      out.push({ kind: "param", text: sql.slice(start, i), name: sql.slice(start + 1, i) });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_$]/.test(sql[i])) i++;
      out.push({ kind: "word", text: sql.slice(start, i) });
    } else {
      i++;
      out.push({ kind: "punct", text: c });
    }
  }
  return out;
}

const significant = (t: Token) => t.kind !== "space" && t.kind !== "comment";

/** Refuses anything but one SELECT / WITH statement (a trailing `;` is allowed and dropped). */
export function assertSingleSelect(sql: string): string {
  const tokens = tokenize(sql);
  const sig = tokens.filter(significant);
  if (sig.length === 0) throw new SqlError("the file holds no SQL");
  const first = sig[0];
  if (first.kind !== "word" || !/^(select|with)$/i.test(first.text)) {
    throw new SqlError(`must be one SELECT (or WITH ... SELECT); starts with "${first.text}"`);
  }
  const semis = tokens.map((t, i) => (t.kind === "punct" && t.text === ";" ? i : -1)).filter((i) => i >= 0);
  const lastSig = tokens.lastIndexOf(sig[sig.length - 1]);
  for (const s of semis) {
    if (s !== lastSig) throw new SqlError("must be one statement: found a ';' before the end");
  }
  const kept = semis.length > 0 ? tokens.slice(0, lastSig) : tokens;
  return kept
    .map((t) => t.text)
    .join("")
    .trim();
}

/** Named parameters used, in order of first appearance. */
export function parameterNames(sql: string): string[] {
  return [...new Set(tokenize(sql).flatMap((t) => (t.kind === "param" ? [t.name] : [])))];
}

export interface TableRef {
  schema: "raw" | "curated";
  table: string;
}

/** `raw.x` / `curated.x` references (case-insensitive schema; quoted table names allowed). */
export function tableReferences(sql: string): TableRef[] {
  const sig = tokenize(sql).filter(significant);
  const out = new Map<string, TableRef>();
  forEachReference(sig, (i) => {
    const schema = sig[i].text.toLowerCase() as TableRef["schema"];
    const t = sig[i + 2];
    const table = t.kind === "quoted" ? t.value : t.text.toLowerCase();
    out.set(`${schema}.${table}`, { schema, table });
  });
  return [...out.values()];
}

function forEachReference(sig: Token[], fn: (i: number) => void) {
  for (let i = 0; i + 2 < sig.length; i++) {
    const t = sig[i];
    if (t.kind !== "word" || !/^(raw|curated)$/i.test(t.text)) continue;
    const prev = sig[i - 1];
    if (prev && prev.kind === "punct" && prev.text === ".") continue;
    if (sig[i + 1].kind === "punct" && sig[i + 1].text === "." && /word|quoted/.test(sig[i + 2].kind)) fn(i);
  }
}

export interface BoundSql {
  sql: string;
  /** Positional values for the `?` placeholders, in order. */
  params: string[];
}

/**
 * Binds `:name` parameters to `?` and qualifies `raw.` / `curated.` with database names.
 * Unknown or missing parameters are refused; a literal `?` in the file is refused too.
 */
export function translate(
  sql: string,
  values: Record<string, string>,
  databases: { raw: string; curated: string },
): BoundSql {
  const tokens = tokenize(sql);
  const params: string[] = [];
  const sig = tokens.filter(significant);
  const qualify = new Set<Token>();
  forEachReference(sig, (i) => qualify.add(sig[i]));
  const text = tokens
    .map((t) => {
      if (t.kind === "param") {
        if (!(t.name in values)) {
          throw new SqlError(
            `unknown parameter :${t.name} (the runner binds ${Object.keys(values)
              .map((k) => `:${k}`)
              .join(", ")})`,
          );
        }
        params.push(values[t.name]);
        return "?";
      }
      if (t.kind === "punct" && t.text === "?")
        throw new SqlError("positional '?' is not allowed; use :run_date");
      if (qualify.has(t)) return quoteIdent(databases[t.text.toLowerCase() as "raw" | "curated"]);
      return t.text;
    })
    .join("");
  return { sql: text, params };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal (for runner-built statements only: values still go through params). */
export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const CLAUSES = /^(select|from|where|group|having|order|on|join|limit|window|qualify|values)$/i;

/**
 * Athena takes execution parameters only in WHERE clauses: a `:param` whose nearest clause
 * keyword before it is not WHERE is refused (DuckDB would accept it, Athena would not).
 */
export function parameterPlacementProblems(sql: string): string[] {
  const sig = tokenize(sql).filter(significant);
  const problems: string[] = [];
  sig.forEach((t, i) => {
    if (t.kind !== "param") return;
    for (let j = i - 1; j >= 0; j--) {
      const w = sig[j];
      if (w.kind === "word" && CLAUSES.test(w.text)) {
        if (w.text.toLowerCase() !== "where") {
          problems.push(
            `:${t.name} is used in a ${w.text.toUpperCase()} clause; Athena binds parameters only in WHERE`,
          );
        }
        return;
      }
    }
  });
  return problems;
}
