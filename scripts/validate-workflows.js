// Validates every workflow and local action against the GitHub Actions schemas (action-validator).
const { execFileSync } = require("node:child_process");
const { existsSync, readdirSync } = require("node:fs");
const { join } = require("node:path");

// Node's own strict parser (this script runs without tsx, so not scripts/lib/args.ts).
let quiet = false;
try {
  quiet = !!require("node:util").parseArgs({ options: { quiet: { type: "boolean" } }, strict: true }).values.quiet;
} catch (e) {
  process.stderr.write(`error: ${e.message.replace(/\. To specify a positional.*$/s, "")}\nusage: node scripts/validate-workflows.js [--quiet]\n`);
  process.exit(2);
}

const root = join(__dirname, "..");
const bin = join(root, "node_modules", ".bin", "action-validator");
const workflows = join(root, ".github", "workflows");
const actions = join(root, ".github", "actions");
const files = [
  ...readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(workflows, f)),
  ...(existsSync(actions) ? readdirSync(actions).map((d) => join(actions, d, "action.yml")).filter(existsSync) : []),
];
let failed = 0;
for (const f of files) {
  try {
    execFileSync(bin, [f], { stdio: "pipe" });
  } catch (e) {
    failed++;
    console.error(`✗ ${f.slice(root.length + 1)}\n${e.stdout}${e.stderr}`);
  }
}
if (failed) process.exit(1);
if (!quiet) console.log(`workflows valid: ${files.map((f) => f.slice(root.length + 1)).join(", ")}`);
