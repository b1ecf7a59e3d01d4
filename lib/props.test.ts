import { TerraformStack, Testing, Token } from "cdktf";
import { InvalidPropsError, isUnresolved, PropsValidator, showValue } from "./props";

describe("PropsValidator", () => {
  it("collects every problem and throws once, naming construct, prop and value", () => {
    const v = new PropsValidator("Thing", "t1");
    v.range("days", 0, { min: 1 });
    v.oneOf("mode", "fast" as string, ["slow", "safe"]);
    v.matches("name", "A B", /^[a-z]+$/, "lowercase letters");
    v.check("list", ["a"], (l) => (l.length < 2 ? "needs two entries" : undefined));
    v.conflict("a and b conflict");
    expect(v.valid).toBe(false);
    let error: unknown;
    try {
      v.throwIfInvalid();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidPropsError);
    expect((error as InvalidPropsError).problems).toEqual([
      "days must be an integer >= 1 (got 0)",
      'mode must be one of "slow", "safe" (got "fast")',
      'name must be lowercase letters (got "A B")',
      "list needs two entries",
      "a and b conflict",
    ]);
    expect((error as Error).message).toBe(
      `Thing t1: days must be an integer >= 1 (got 0); mode must be one of "slow", "safe" (got "fast"); name must be lowercase letters (got "A B"); list needs two entries; a and b conflict`,
    );
  });

  it("skips values unknown until apply (string, number and list tokens) and unset values", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const str = Token.asString({ resolve: () => "x" });
    const num = Token.asNumber({ resolve: () => 1 });
    const list = Token.asList({ resolve: () => ["x"] });
    expect([isUnresolved(str), isUnresolved(num), isUnresolved(list), isUnresolved(["a", str])]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    const v = new PropsValidator("Thing", stack.node.id);
    v.range("n", num, { min: 10 });
    v.matches("s", str, /^z$/, "z");
    v.check("l", list, () => "never valid");
    v.fail("x", "is bad", `prefix-${str}`);
    v.range("unset", undefined, { min: 1 });
    expect(v.valid).toBe(true);
    expect(() => v.throwIfInvalid()).not.toThrow();
  });

  it("accepts values within range and says so for non-integers and infinities", () => {
    const v = new PropsValidator("T", "t");
    v.range("ok", 5, { min: 1, max: 5 });
    v.range("frac", 1.5, { min: 1 });
    v.range("inf", Number.POSITIVE_INFINITY, { min: 1, integer: false });
    expect(() => v.throwIfInvalid()).toThrow(
      "T t: frac must be an integer >= 1 (got 1.5); inf must be a number >= 1 (got Infinity)",
    );
    expect(showValue(undefined)).toBe("undefined");
  });
});
