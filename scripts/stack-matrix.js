// `node scripts/stack-matrix.js [--env dev]`: the environment × cloud stacks of the synth manifest
// as a GitHub Actions matrix ({"include": [...]}), so workflows never keep a hand-written list.
// Plain JavaScript: CI jobs run it before (or without) `npm ci`.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

/**
 * @param {{ stacks: Record<string, unknown> }} manifest
 * @param {string} [env]
 * @returns {{ stack: string, cloud: "aws" | "gcp", env: string, ENV: string }[]}
 */
function stackMatrix(manifest, env) {
  return Object.keys(manifest.stacks)
    .map((stack) => /^(.+)-(aws|gcp)-([a-z]+)$/.exec(stack))
    .filter((m) => m !== null)
    .map((m) => ({ stack: m[0], cloud: m[2], env: m[3], ENV: m[3].toUpperCase() }))
    .filter((e) => !env || e.env === env);
}

module.exports = { stackMatrix };

if (require.main === module) {
  // Node's own strict parser (this script runs without the TypeScript hook, so not scripts/lib/args.ts).
  const usage = "usage: node scripts/stack-matrix.js [--env <name>]";
  let env;
  try {
    env = require("node:util").parseArgs({ options: { env: { type: "string" } }, strict: true }).values.env;
  } catch (e) {
    process.stderr.write(`error: ${e.message.replace(/\. To specify a positional.*$/s, "")}\n${usage}\n`);
    process.exit(2);
  }
  const outdir = process.env.CDKTF_OUTDIR || "cdktf.out";
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  process.stdout.write(`${JSON.stringify({ include: stackMatrix(manifest, env) })}\n`);
}
