/**
 * Construct props validation, one shape for every module: collect every problem, throw once.
 * Each problem names the prop, what is wrong and the value received; values unknown until apply
 * (tokens: references to other resources) are skipped, never guessed.
 *
 * ```ts
 * const v = new PropsValidator("SecureBucket", id);
 * v.check("bucketName", props.bucketName, bucketNameProblem);
 * v.range("noncurrentVersionExpiryDays", props.noncurrentVersionExpiryDays, { min: 1 });
 * v.throwIfInvalid();
 * ```
 */
import { Token } from "cdktf";

/** Props a construct cannot work with; `problems` holds one line per prop. */
export class InvalidPropsError extends Error {
  constructor(
    /** `<Construct> <id>` */
    readonly construct: string,
    readonly problems: readonly string[],
  ) {
    super(`${construct}: ${problems.join("; ")}`);
    this.name = "InvalidPropsError";
  }
}

/** A value as it appears in a message (`"text"`, `12`, `["a","b"]`). */
export function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** True when `value` (or any string/number inside it) is unknown until apply. */
export function isUnresolved(value: unknown): boolean {
  if (Token.isUnresolved(value)) return true;
  if (Array.isArray(value)) return value.some(isUnresolved);
  return false;
}

export class PropsValidator {
  private readonly problems: string[] = [];

  constructor(
    /** Construct class name, e.g. `SecureBucket`. */
    private readonly kind: string,
    /** Construct id. */
    private readonly id: string,
  ) {}

  /** Records `<prop> <message> (got <value>)` unless the value is a token. */
  fail(prop: string, message: string, value: unknown): void {
    if (isUnresolved(value)) return;
    this.problems.push(`${prop} ${message} (got ${showValue(value)})`);
  }

  /** Records a problem without a value (e.g. a conflict between two props). */
  conflict(message: string): void {
    this.problems.push(message);
  }

  /** Runs `rule` on a set, resolved value; `rule` returns why it is invalid, or undefined. */
  check<T>(prop: string, value: T | undefined, rule: (v: T) => string | undefined): void {
    if (value === undefined || isUnresolved(value)) return;
    const why = rule(value);
    if (why) this.problems.push(`${prop} ${why}`);
  }

  /** A set number must be an integer within `[min, max]` (either bound optional). */
  range(
    prop: string,
    value: number | undefined,
    bounds: { min?: number; max?: number; integer?: boolean },
  ): void {
    if (value === undefined || isUnresolved(value)) return;
    const integer = bounds.integer ?? true;
    const { min, max } = bounds;
    const bad =
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      (min !== undefined && value < min) ||
      (max !== undefined && value > max);
    if (!bad) return;
    const what = integer ? "an integer" : "a number";
    const span =
      min !== undefined && max !== undefined
        ? ` from ${min} to ${max}`
        : min !== undefined
          ? ` >= ${min}`
          : max !== undefined
            ? ` <= ${max}`
            : "";
    this.fail(prop, `must be ${what}${span}`, value);
  }

  /** A set value must be one of `allowed`. */
  oneOf<T>(prop: string, value: T | undefined, allowed: readonly T[]): void {
    if (value === undefined || isUnresolved(value)) return;
    if (!allowed.includes(value))
      this.fail(prop, `must be one of ${allowed.map(showValue).join(", ")}`, value);
  }

  /** A set string must match `pattern`; `what` says in words what the pattern allows. */
  matches(prop: string, value: string | undefined, pattern: RegExp, what: string): void {
    if (value === undefined || isUnresolved(value)) return;
    if (!pattern.test(value)) this.fail(prop, `must be ${what}`, value);
  }

  get valid(): boolean {
    return this.problems.length === 0;
  }

  /** Throws one `InvalidPropsError` listing every problem recorded. */
  throwIfInvalid(): void {
    if (this.problems.length > 0) throw new InvalidPropsError(`${this.kind} ${this.id}`, this.problems);
  }
}
