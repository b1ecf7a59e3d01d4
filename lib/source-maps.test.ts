import Module from "node:module";
import { join } from "node:path";
import { mapOwnSourcesOnly } from "./source-maps";

/** Compiles `source` as a module named `filename` and returns its exports. */
function compileAs(filename: string, source: string): unknown {
  const m = new Module(filename) as Module & { _compile(content: string, filename: string): void };
  m.filename = filename;
  m._compile(source, filename);
  return m.exports;
}
const PROBE = "module.exports = process.sourceMapsEnabled;";

describe("mapOwnSourcesOnly", () => {
  const before = process.sourceMapsEnabled;
  beforeAll(() => process.setSourceMapsEnabled(true));
  afterAll(() => process.setSourceMapsEnabled(before));

  it("compiles packages under node_modules with source maps off, and our files with them on", () => {
    expect(mapOwnSourcesOnly()).toBe(true);
    expect(compileAs(join("/repo", "node_modules", "cdktf", "lib", "index.js"), PROBE)).toBe(false);
    expect(compileAs(join("/repo", "stacks", "aws-stack.js"), PROBE)).toBe(true);
    // Switched back on after each package file, also when its code throws.
    expect(() =>
      compileAs(join("/repo", "node_modules", "x", "index.js"), "throw new Error('boom')"),
    ).toThrow("boom");
    expect(process.sourceMapsEnabled).toBe(true);
  });

  it("leaves source maps off when they were off, and installs once", () => {
    process.setSourceMapsEnabled(false);
    expect(mapOwnSourcesOnly()).toBe(true);
    expect(compileAs(join("/repo", "node_modules", "y", "index.js"), PROBE)).toBe(false);
    expect(process.sourceMapsEnabled).toBe(false);
    process.setSourceMapsEnabled(true);
  });
});
