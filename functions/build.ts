/**
 * Bundles a function with esbuild (minified, tree-shaken, source maps) into `.build/<name>/`
 * (index.js + index.js.map: what the Lambda runs) and packs that folder into a deterministic
 * `.build/<name>.zip` (what the stack deploys), for any `functions/<name>/handler.ts`.
 *
 * Bundling costs about 2 s and runs only when an input changed: `.build/<name>.json` records
 * the local files the last bundle imported (from esbuild's metafile) and a key over their
 * contents, the lockfile (which pins everything under node_modules), tsconfig.json, the esbuild
 * version and options, and this builder's own source. A synth whose key matches reuses the
 * bundle after checking the outputs' hashes, so an edited or half-written output is rebuilt.
 * `FUNCTIONS_REBUILD=1` (or `{ force: true }`) rebuilds anyway.
 *
 * Outputs are written to temporary names and renamed into place (manifest last), so parallel
 * synths (Jest workers) never read a half-written bundle; they would write identical bytes.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { BuildOptions } from "esbuild";
import { writeAtomic } from "../scripts/lib/write-atomic.cjs";
import { zipDeterministic } from "./zip";

export const FUNCTIONS_DIR = __dirname;
export const ROOT = resolve(__dirname, "..");
export const BUILD_ROOT = join(ROOT, ".build");

/** esbuild's version from its package.json: a reused bundle never loads esbuild itself. */
const esbuildVersion = (
  JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")) as { version: string }
).version;

export interface Bundle {
  readonly name: string;
  /** Folder holding index.js and index.js.map. */
  readonly dir: string;
  /** Size of index.js in bytes. */
  readonly bytes: number;
  /** The deployment package: the folder's files in a deterministic zip. */
  readonly zip: string;
  /** SHA-256 of the zip, hex (a content-addressed asset hash). */
  readonly sha256: string;
  /** SHA-256 of the zip, base64: what `aws_lambda_function.source_code_hash` expects. */
  readonly sourceCodeHash: string;
  /** True when the previous bundle was reused (no esbuild run). */
  readonly cached: boolean;
}

export interface BundleOptions {
  /** Entry file inside `functions/<name>/`. @default "handler.ts" */
  readonly entry?: string;
  /** Where the function folders are. @default this folder (`functions/`) */
  readonly functionsDir?: string;
  /** Where bundles, zips and manifests go. @default `.build/` at the repository root */
  readonly buildRoot?: string;
  /** Rebuild even when the inputs did not change. @default - `FUNCTIONS_REBUILD=1` */
  readonly force?: boolean;
}

interface Manifest {
  readonly version: number;
  readonly key: string;
  /** Local (non-node_modules) inputs of the last bundle, relative to the repository root. */
  readonly inputs: string[];
  /** Hex SHA-256 of each output file, by name (the zip as `<name>.zip`). */
  readonly outputs: Record<string, string>;
}

const MANIFEST_VERSION = 1;
const OUTPUT_FILES = ["index.js", "index.js.map"];

/** Everything but the entry: part of the cache key, so changing an option rebuilds. */
const ESBUILD_OPTIONS = {
  bundle: true,
  minify: true,
  treeShaking: true,
  sourcemap: true,
  sourcesContent: false,
  platform: "node",
  // ESM builds first: the AWS SDK tree-shakes far better from them.
  mainFields: ["module", "main"],
  target: "node22",
  format: "cjs",
  legalComments: "none",
  logLevel: "error",
} satisfies BuildOptions;

const memo = new Map<string, Bundle>();

/** Bundles `functions/<name>/<entry>` when its inputs changed; once per process at most. */
export function bundleFunction(name: string, options: BundleOptions = {}): Bundle {
  const force = options.force ?? process.env.FUNCTIONS_REBUILD === "1";
  const entry = options.entry ?? "handler.ts";
  const paths = pathsOf(name, options.buildRoot ?? BUILD_ROOT);
  const entryFile = join(options.functionsDir ?? FUNCTIONS_DIR, name, entry);
  const memoKey = `${paths.dir}\0${entryFile}`;
  const seen = memo.get(memoKey);
  if (seen && !force) return seen;
  const fixed = fixedKeyParts(name, relative(ROOT, entryFile));
  const reused = force ? undefined : reuse(paths, fixed);
  const bundle = reused ?? build(name, entryFile, paths, fixed);
  memo.set(memoKey, bundle);
  return bundle;
}

/** Forgets what this process bundled, so the next call checks the disk cache again (tests). */
export function forgetBundles(): void {
  memo.clear();
}

function pathsOf(name: string, buildRoot: string) {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new Error(`bundleFunction: name "${name}" must be a folder under functions/ (a-z, 0-9, -)`);
  }
  return {
    dir: join(buildRoot, name),
    zip: join(buildRoot, `${name}.zip`),
    manifest: join(buildRoot, `${name}.json`),
  };
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const hashFile = (file: string) => (existsSync(file) ? sha256(readFileSync(file)) : "absent");

/** Key parts that do not depend on which files the bundle imported. */
function fixedKeyParts(name: string, entry: string) {
  return {
    version: MANIFEST_VERSION,
    name,
    entry,
    esbuild: esbuildVersion,
    options: ESBUILD_OPTIONS,
    lockfile: hashFile(join(ROOT, "package-lock.json")),
    tsconfig: hashFile(join(ROOT, "tsconfig.json")),
    builder: [__filename, join(__dirname, "zip.ts")].map(hashFile),
  };
}

function keyOf(fixed: object, inputs: string[]): string {
  const hashed = [...inputs].sort().map((p) => [p, hashFile(join(ROOT, p))]);
  return sha256(JSON.stringify({ fixed, inputs: hashed }));
}

function reuse(paths: ReturnType<typeof pathsOf>, fixed: ReturnType<typeof fixedKeyParts>) {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(paths.manifest, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.version !== MANIFEST_VERSION || !Array.isArray(manifest.inputs)) return undefined;
  if (keyOf(fixed, manifest.inputs) !== manifest.key) return undefined;
  const files = Object.fromEntries(OUTPUT_FILES.map((f) => [f, join(paths.dir, f)]));
  for (const [f, file] of Object.entries(files)) {
    if (hashFile(file) !== manifest.outputs[f]) return undefined;
  }
  const zipName = `${fixed.name}.zip`;
  const zip = existsSync(paths.zip) ? readFileSync(paths.zip) : undefined;
  if (!zip || sha256(zip) !== manifest.outputs[zipName]) return undefined;
  return bundleOf(fixed.name, paths, zip, readFileSync(files["index.js"]).length, true);
}

function build(
  name: string,
  entryFile: string,
  paths: ReturnType<typeof pathsOf>,
  fixed: ReturnType<typeof fixedKeyParts>,
): Bundle {
  if (!existsSync(entryFile)) throw new Error(`bundleFunction: ${relative(ROOT, entryFile)} does not exist`);
  // Loaded only when a bundle is built (a synth that reuses every bundle never pays for it).
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const result = buildSync({
    ...ESBUILD_OPTIONS,
    entryPoints: [entryFile],
    outfile: join(paths.dir, "index.js"),
    absWorkingDir: ROOT,
    metafile: true,
    write: false,
  });
  const outputs: Record<string, string> = {};
  const entries: { name: string; data: Buffer }[] = [];
  mkdirSync(paths.dir, { recursive: true });
  for (const out of result.outputFiles) {
    const file = relative(paths.dir, out.path);
    const data = Buffer.from(out.contents);
    writeAtomic(out.path, data);
    outputs[file] = sha256(data);
    entries.push({ name: file, data });
  }
  const zip = zipDeterministic(entries);
  writeAtomic(paths.zip, zip);
  outputs[`${name}.zip`] = sha256(zip);
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.split(/[\\/]/).includes("node_modules"))
    .map((p) => p.split(sep).join("/"))
    .sort();
  const manifest: Manifest = { version: MANIFEST_VERSION, key: keyOf(fixed, inputs), inputs, outputs };
  writeAtomic(paths.manifest, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  const js = entries.find((e) => e.name === "index.js");
  return bundleOf(name, paths, zip, js?.data.length ?? 0, false);
}

function bundleOf(
  name: string,
  paths: ReturnType<typeof pathsOf>,
  zip: Buffer,
  bytes: number,
  cached: boolean,
): Bundle {
  const digest = createHash("sha256").update(zip).digest();
  return {
    name,
    dir: paths.dir,
    bytes,
    zip: paths.zip,
    sha256: digest.toString("hex"),
    sourceCodeHash: digest.toString("base64"),
    cached,
  };
}
