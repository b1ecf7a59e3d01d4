/**
 * Hive/Glue column types as Athena DDL reads them: primitives, `decimal(p,s)`, `char(n)`,
 * `varchar(n)`, and nested `array<T>`, `map<K,V>` (K primitive), `struct<name:T,…>`.
 * A typo (`strin`) is refused with the nearest type instead of failing at query time.
 */
import { didYouMean } from "../suggest";

export const PRIMITIVE_TYPES = [
  "boolean",
  "tinyint",
  "smallint",
  "int",
  "integer",
  "bigint",
  "float",
  "double",
  "decimal",
  "string",
  "date",
  "timestamp",
  "binary",
  "char",
  "varchar",
] as const;

class TypeParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): void {
    this.type();
    this.space();
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text.slice(this.pos)}"`);
  }

  private fail(message: string): never {
    throw new Error(message);
  }
  private space() {
    while (this.text[this.pos] === " ") this.pos++;
  }
  private word(): string {
    this.space();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`expected a type at "${this.text.slice(this.pos) || "(end)"}"`);
    this.pos += m[0].length;
    return m[0];
  }
  private expect(ch: string) {
    this.space();
    if (this.text[this.pos] !== ch)
      this.fail(`expected "${ch}" at "${this.text.slice(this.pos) || "(end)"}"`);
    this.pos++;
  }
  private peek(ch: string): boolean {
    this.space();
    return this.text[this.pos] === ch;
  }
  private int(): number {
    this.space();
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (!m) this.fail(`expected a number at "${this.text.slice(this.pos) || "(end)"}"`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  /** Parses one type; returns whether it is primitive. */
  private type(): boolean {
    const name = this.word().toLowerCase();
    switch (name) {
      case "array":
        this.expect("<");
        this.type();
        this.expect(">");
        return false;
      case "map":
        this.expect("<");
        if (!this.type()) this.fail("map keys must be a primitive type");
        this.expect(",");
        this.type();
        this.expect(">");
        return false;
      case "struct": {
        this.expect("<");
        const names = new Set<string>();
        do {
          const field = this.word();
          if (names.has(field.toLowerCase())) this.fail(`struct field "${field}" is repeated`);
          names.add(field.toLowerCase());
          this.expect(":");
          this.type();
        } while (this.peek(",") && this.pos++ >= 0);
        this.expect(">");
        return false;
      }
      case "decimal":
        if (this.peek("(")) {
          this.pos++;
          const p = this.int();
          let s = 0;
          if (this.peek(",")) {
            this.pos++;
            s = this.int();
          }
          this.expect(")");
          if (p < 1 || p > 38) this.fail(`decimal precision ${p} is outside 1-38`);
          if (s > p) this.fail(`decimal scale ${s} exceeds precision ${p}`);
        }
        return true;
      case "char":
      case "varchar": {
        this.expect("(");
        const n = this.int();
        this.expect(")");
        const max = name === "char" ? 255 : 65535;
        if (n < 1 || n > max) this.fail(`${name} length ${n} is outside 1-${max}`);
        return true;
      }
      default:
        if (!(PRIMITIVE_TYPES as readonly string[]).includes(name)) {
          this.fail(
            `"${name}" is not a Hive type${didYouMean(name, [...PRIMITIVE_TYPES, "array", "map", "struct"])}`,
          );
        }
        return true;
    }
  }
}

/** Why `type` is not a valid Glue/Hive column type, or `undefined` when it is. */
export function glueTypeProblem(type: string): string | undefined {
  try {
    new TypeParser(type).parse();
    return undefined;
  } catch (e) {
    return `${(e as Error).message} (in "${type}")`;
  }
}
