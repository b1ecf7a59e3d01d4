/**
 * The TypeScript hook every script runs under (./ts-hook.cjs) and its cache (./ts-transform.cjs's
 * compileCached). The cache's rules in this process; the hook in real processes (it changes
 * Node's module loader for the whole process): stack traces at TypeScript lines, a lazy `import()`
 * of a .ts file, the cache kept by a process that exits at once and found at its default place,
 * and source maps for our files only.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../test/helpers/synth";
import { tempDir } from "../../test/helpers/temp";
import { TS_FLAGS, TS_HOOK } from "./ts-flags";
import { compileCached } from "./ts-transform.cjs";

let dir: string;
beforeAll(() => {
  dir = tempDir("ts-hook-");
});

/** Runs `node <hook> <args>` in `dir` with the cache in `cacheDir`. */
function node(args: string[], cacheDir: string) {
  return spawnSync(process.execPath, [...TS_FLAGS, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, DP_TS_CACHE_DIR: cacheDir, NODE_OPTIONS: "" },
  });
}

describe("the compile cache", () => {
  it("serves an entry compiled from the same source, and compiles again when the source changed or the entry is cut short or foreign", () => {
    const cache = join(dir, "cache-rules");
    const file = join(dir, "rules.ts");
    const source = 'const n: number = 1;\nconsole.log("first", n);\n';
    const code = compileCached(source, file, cache);
    expect(code).toContain('console.log("first", n)');
    expect(code).not.toContain(": number");
    const entries = readdirSync(cache);
    expect(entries).toHaveLength(1);
    const entry = join(cache, entries[0]);
    const stored = readFileSync(entry, "utf8");

    // Same source: read from the entry (changed in place, same length: proves it was not recompiled).
    writeFileSync(entry, stored.replace('"first"', '"cache"'));
    expect(compileCached(source, file, cache)).toContain('console.log("cache", n)');
    // Cut short (a crash or a full disk after the rename): compiled again, not run short.
    writeFileSync(entry, stored.slice(0, stored.indexOf("console.log")));
    expect(compileCached(source, file, cache)).toContain('console.log("first", n)');
    // Another key or format (a damaged or foreign file): not trusted.
    writeFileSync(entry, "//not-the-key\nconsole.log('stale');\n");
    expect(compileCached(source, file, cache)).toContain('console.log("first", n)');
    // Changed source: compiled again, the same one entry replaced, no temporary file left.
    expect(compileCached('console.log("changed");\n', file, cache)).toContain('console.log("changed")');
    expect(readdirSync(cache)).toEqual(entries);
  });

  it("compiles without a cache when its folder cannot be written", () => {
    const blocker = join(dir, "not-a-folder");
    writeFileSync(blocker, "");
    expect(
      compileCached('const ok: string = "ok";\n', join(dir, "plain.ts"), join(blocker, "cache")),
    ).toContain('const ok = "ok"');
  });
});

describe("the hook, in processes", () => {
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
    const r = node(["main.ts"], join(dir, "cache-main"));
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("Error: boom 4");
    // Line 6 of main.ts, column of `new Error` (the compiled file has no type lines).
    expect(r.stderr).toContain(`${join(dir, "main.ts")}:6:9`);
  });

  it("has stored what it compiled even when the process exits at once (tsx did not)", () => {
    const cache = join(dir, "cache-quick");
    writeFileSync(
      join(dir, "quick.ts"),
      'const code: number = 2;\nconsole.log("refused");\nprocess.exit(code);\n',
    );
    const r = node(["quick.ts"], cache);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: "refused\n" });
    const entries = readdirSync(cache);
    expect(entries).toHaveLength(1);
    expect(readFileSync(join(cache, entries[0]), "utf8")).toContain('console.log("refused")');
  });

  it("keeps its cache in the repository's .cache/ts by default: a second refusal of a real script compiles nothing", () => {
    const run = () => {
      const r = spawnSync(
        process.execPath,
        [
          ...TS_FLAGS,
          "-e",
          `const { CACHE_DIR } = require(${JSON.stringify(TS_HOOK)});
           process.on("exit", () => console.log(JSON.stringify({ CACHE_DIR, esbuild: Object.keys(require.cache).some((f) => f.includes("/node_modules/esbuild/")) })));
           process.argv.splice(1, Infinity, "scripts/docs-diff.ts", "--definitely-not-a-flag");
           require("./scripts/docs-diff.ts");`,
        ],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, DP_TS_CACHE_DIR: "" } },
      );
      expect(r.status).toBe(2);
      return JSON.parse(r.stdout.trim().split("\n").pop()!);
    };
    expect(run().CACHE_DIR).toBe(join(ROOT, ".cache", "ts"));
    expect(run()).toEqual({ CACHE_DIR: join(ROOT, ".cache", "ts"), esbuild: false });
  });

  it("compiles packages under node_modules with source maps off (Node would decode each package's inline map), ours with them on, through Node's own loader", () => {
    const probeDir = join(dir, "probe");
    const pkg = join(probeDir, "node_modules", "pkg");
    mkdirSync(pkg, { recursive: true });
    // Each file reports, while its top level runs, whether source maps are on.
    writeFileSync(join(pkg, "package.json"), '{ "name": "pkg", "main": "index.js" }');
    writeFileSync(join(pkg, "index.js"), "module.exports = process.sourceMapsEnabled;");
    // A package of ES modules: Node passes the file's format to Module#_compile, and a file without
    // import or export runs as a module only if the hook passes it on (`this` undefined, strict).
    const esm = join(probeDir, "node_modules", "esm-only");
    mkdirSync(esm, { recursive: true });
    writeFileSync(join(esm, "package.json"), '{ "name": "esm-only", "type": "module", "main": "index.js" }');
    writeFileSync(join(esm, "index.js"), "globalThis.esmThis = String(this);");
    writeFileSync(
      join(probeDir, "ours.ts"),
      [
        "const during: boolean = process.sourceMapsEnabled;",
        'const inPackage: boolean = require("pkg");',
        'require("esm-only");',
        'const esmThis: string = (globalThis as { esmThis?: string }).esmThis ?? "not run";',
        "console.log(JSON.stringify({ during, inPackage, after: process.sourceMapsEnabled, esmThis }));",
        "",
      ].join("\n"),
    );
    const r = node([join(probeDir, "ours.ts")], join(dir, "cache-probe"));
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      during: true,
      inPackage: false,
      after: true,
      esmThis: "undefined",
    });
  });
});
