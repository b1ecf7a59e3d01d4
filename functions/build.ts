/**
 * Bundles a function with esbuild (minified, tree-shaken, source maps) into
 * `.build/<name>/index.js`: what the Lambda runs and what the stack packages as an asset.
 * Runs at synth from a clean clone in about 0.2 s.
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";

export const FUNCTIONS_DIR = __dirname;
export const BUILD_ROOT = resolve(__dirname, "..", ".build");

export interface Bundle {
  /** Folder holding index.js and index.js.map. */
  dir: string;
  bytes: number;
}

const built = new Map<string, Bundle>();

/** Bundles once per process (synth of several environments shares one bundle). */
export function bundleFunction(name: string): Bundle {
  const cached = built.get(name);
  if (cached) return cached;
  const dir = join(BUILD_ROOT, name);
  const outfile = join(dir, "index.js");
  buildSync({
    entryPoints: [join(FUNCTIONS_DIR, name, "handler.ts")],
    outfile,
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
  });
  const bundle = { dir, bytes: statSync(outfile).size };
  built.set(name, bundle);
  return bundle;
}
