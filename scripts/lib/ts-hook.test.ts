/**
 * The TypeScript hook every script runs under (./ts-hook.cjs), in real processes (it changes
 * Node's module loader for the whole process): stack traces at TypeScript lines, a lazy `import()`
 * of a .ts file, its cache (kept by a process that exits at once, replaced when a file changes,
 * optional), and source maps for our files only.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../test/helpers/temp";
import { TS_FLAGS } from "./ts-flags";

let dir: string;
let cache: string;
beforeAll(() => {
  dir = tempDir("ts-hook-");
  cache = join(dir, "cache");
});

/** Runs `node <hook> <args>` in `dir` with the cache in `cacheDir`. */
function node(args: string[], cacheDir = cache) {
  return spawnSync(process.execPath, [...TS_FLAGS, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, DP_TS_CACHE_DIR: cacheDir, NODE_OPTIONS: "" },
  });
}
const entries = (d = cache) =>
  readdirSync(d)
    .filter((f) => f.endsWith(".js"))
    .sort();

it("runs TypeScript with stack traces at the TypeScript line, and import() of a .ts file", () => {
  writeFileSync(
    join(dir, "lazy.ts"),
    ["interface Shape {", "  sides: number;", "}", "export const square: Shape = { sides: 4 };", ""].join(
      "\n",
    ),
  );
  writeFileSync(
    join(dir, "main.ts"),
    [
      "type Sides = number;",
      "async function main(): Promise<void> {",
      '  const { square } = await import("./lazy");',
      "  const sides: Sides = square.sides;",
      "",
      "  throw new Error(`boom ${sides}`);",
      "}",
      "main().catch((e: Error) => {",
      "  console.error(e.stack);",
      "  process.exitCode = 3;",
      "});",
      "",
    ].join("\n"),
  );
  const r = node(["main.ts"]);
  expect(r.status).toBe(3);
  expect(r.stderr).toContain("Error: boom 4");
  // Line 6 of main.ts, column of `new Error` (the compiled file has no type lines).
  expect(r.stderr).toContain(`${join(dir, "main.ts")}:6:9`);
});

it("keeps what it compiled even when the process exits at once, and replaces an entry when its file changes", () => {
  const own = join(dir, "cache-case");
  mkdirSync(own);
  writeFileSync(
    join(own, "quick.ts"),
    'const code: number = 2;\nconsole.log("refused");\nprocess.exit(code);\n',
  );
  const ownCache = join(own, "cache");
  const first = node([join(own, "quick.ts")], ownCache);
  expect({ status: first.status, stdout: first.stdout }).toEqual({ status: 2, stdout: "refused\n" });
  // Written before the file ran: a process that exits at once still fills the cache (tsx did not).
  const [entry] = entries(ownCache);
  expect(entries(ownCache)).toHaveLength(1);
  const stored = readFileSync(join(ownCache, entry), "utf8");
  expect(stored).toContain('console.log("refused")');

  // Same source: served from the cache (a marked entry proves it was read, not recompiled).
  writeFileSync(join(ownCache, entry), stored.replace('"refused"', '"from cache"'));
  expect(node([join(own, "quick.ts")], ownCache).stdout).toBe("from cache\n");

  // Changed source: compiled again, the same one entry replaced.
  writeFileSync(join(own, "quick.ts"), 'console.log("changed");\n');
  const changed = node([join(own, "quick.ts")], ownCache);
  expect({ status: changed.status, stdout: changed.stdout }).toEqual({ status: 0, stdout: "changed\n" });
  expect(entries(ownCache)).toEqual([entry]);

  // An entry of another key (a damaged or foreign file) is not trusted.
  writeFileSync(join(ownCache, entry), "//not-the-key\nconsole.log('stale');\n");
  expect(node([join(own, "quick.ts")], ownCache).stdout).toBe("changed\n");
});

it("runs without a cache when its folder cannot be written", () => {
  const blocker = join(dir, "not-a-folder");
  writeFileSync(blocker, "");
  writeFileSync(join(dir, "plain.ts"), 'const ok: string = "ok";\nconsole.log(ok);\n');
  const r = node(["plain.ts"], join(blocker, "cache"));
  expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
    status: 0,
    stdout: "ok\n",
    stderr: "",
  });
});

it("compiles packages under node_modules with source maps off (Node would decode each package's inline map) and our files with them on", () => {
  // Module#_compile as the loader calls it, for a file of a package and one of ours; each reports
  // whether source maps were on while it compiled. Also after a package file that throws.
  const probe = `
    const Module = require("node:module");
    const { join } = require("node:path");
    const compileAs = (filename, source) => {
      const m = new Module(filename);
      m.filename = filename;
      m._compile(source, filename);
      return m.exports;
    };
    const PROBE = "module.exports = process.sourceMapsEnabled;";
    const result = {
      package: compileAs(join("/repo", "node_modules", "cdktf", "lib", "index.js"), PROBE),
      ours: compileAs(join("/repo", "stacks", "aws-stack.js"), PROBE),
    };
    try { compileAs(join("/repo", "node_modules", "x", "index.js"), "throw new Error('boom')"); } catch {}
    result.afterThrow = process.sourceMapsEnabled;
    console.log(JSON.stringify(result));
  `;
  const out = execFileSync(process.execPath, [...TS_FLAGS, "-e", probe], { encoding: "utf8", cwd: dir });
  expect(JSON.parse(out)).toEqual({ package: false, ours: true, afterThrow: true });
});
