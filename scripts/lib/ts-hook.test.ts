/**
 * The TypeScript hook every script runs under (./ts-hook.cjs), in real processes (it changes
 * Node's module loader for the whole process): stack traces at TypeScript lines, a lazy `import()`
 * of a .ts file, its cache (kept by a process that exits at once, replaced when a file changes,
 * optional), and source maps for our files only.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../test/helpers/synth";
import { tempDir } from "../../test/helpers/temp";
import { TS_FLAGS, TS_HOOK } from "./ts-flags";

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

  // Same source: served from the cache (an entry changed in place, same length, proves it was
  // read, not recompiled).
  writeFileSync(join(ownCache, entry), stored.replace('"refused"', '"cached!"'));
  expect(node([join(own, "quick.ts")], ownCache).stdout).toBe("cached!\n");

  // A truncated entry (a crash or a full disk after the rename) is compiled again, not run short.
  writeFileSync(join(ownCache, entry), stored.slice(0, stored.indexOf("process.exit")));
  expect(node([join(own, "quick.ts")], ownCache).status).toBe(2);

  // Changed source: compiled again, the same one entry replaced.
  writeFileSync(join(own, "quick.ts"), 'console.log("changed");\n');
  const changed = node([join(own, "quick.ts")], ownCache);
  expect({ status: changed.status, stdout: changed.stdout }).toEqual({ status: 0, stdout: "changed\n" });
  expect(entries(ownCache)).toEqual([entry]);

  // An entry of another key or format (a damaged or foreign file) is not trusted.
  writeFileSync(join(ownCache, entry), "//not-the-key\nconsole.log('stale');\n");
  expect(node([join(own, "quick.ts")], ownCache).stdout).toBe("changed\n");
  // No temporary file is left behind.
  expect(readdirSync(ownCache)).toEqual([entry]);
});

it("keeps its cache in the repository's .cache/ts by default: a second refusal of a real script compiles nothing", () => {
  const run = () =>
    execFileSync(
      process.execPath,
      [
        ...TS_FLAGS,
        "-e",
        `const { CACHE_DIR } = require(${JSON.stringify(TS_HOOK)});
         process.on("exit", () => console.log(JSON.stringify({ CACHE_DIR, esbuild: Object.keys(require.cache).some((f) => f.includes("/node_modules/esbuild/")) })));
         process.argv.splice(1, Infinity, "scripts/docs-diff.ts", "--definitely-not-a-flag");
         require("./scripts/docs-diff.ts");`,
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, DP_TS_CACHE_DIR: "" },
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
  const last = (out: string) => JSON.parse(out.trim().split("\n").pop()!);
  let first: string;
  try {
    first = run();
  } catch (e) {
    first = String((e as { stdout: string }).stdout);
  }
  expect(last(first).CACHE_DIR).toBe(join(ROOT, ".cache", "ts"));
  let second: string;
  try {
    second = run();
  } catch (e) {
    second = String((e as { stdout: string }).stdout);
  }
  expect(last(second)).toEqual({ CACHE_DIR: join(ROOT, ".cache", "ts"), esbuild: false });
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

it("compiles packages under node_modules with source maps off (Node would decode each package's inline map), ours with them on, through Node's own loader", () => {
  const probeDir = join(dir, "probe");
  const pkg = join(probeDir, "node_modules", "pkg");
  mkdirSync(pkg, { recursive: true });
  // Each file reports, while its top level runs, whether source maps are on.
  writeFileSync(join(pkg, "package.json"), '{ "name": "pkg", "main": "index.js" }');
  writeFileSync(join(pkg, "index.js"), "module.exports = process.sourceMapsEnabled;");
  // A package of ES modules: Node passes the file's format to Module#_compile, and a file without
  // import or export runs as a module only if the hook passes it on (\`this\` undefined, strict).
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
  const r = node([join(probeDir, "ours.ts")]);
  expect(r.stderr).toBe("");
  expect(JSON.parse(r.stdout)).toEqual({ during: true, inPackage: false, after: true, esmThis: "undefined" });
});
