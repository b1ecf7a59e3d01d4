// Validates every workflow and local action against the GitHub Actions schemas (action-validator).
const { existsSync, readdirSync, readFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

// Node's own strict parser (this script runs without the TypeScript hook, so not scripts/lib/args.ts).
let quiet = false;
try {
  quiet = !!require("node:util").parseArgs({ options: { quiet: { type: "boolean" } }, strict: true }).values.quiet;
} catch (e) {
  process.stderr.write(`error: ${e.message.replace(/\. To specify a positional.*$/s, "")}\nusage: node scripts/validate-workflows.js [--quiet]\n`);
  process.exit(2);
}

const root = join(__dirname, "..");
// The validator's WebAssembly core, loaded once (the CLI package's bin is one process per file).
const validator = require(
  require.resolve("@action-validator/core", {
    paths: [dirname(require.resolve("@action-validator/cli/package.json"))],
  }),
);
const workflows = join(root, ".github", "workflows");
const actions = join(root, ".github", "actions");
const files = [
  ...readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(workflows, f)),
  ...(existsSync(actions) ? readdirSync(actions).map((d) => join(actions, d, "action.yml")).filter(existsSync) : []),
];
let failed = 0;
for (const f of files) {
  const text = readFileSync(f, "utf8");
  // The core prints notes (e.g. "Glob validation is not yet supported") through console: shown
  // with a failure only, as the CLI's piped output was.
  const notes = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  console.log = console.warn = console.error = (...a) => notes.push(a.join(" "));
  let result;
  try {
    result = /action\.ya?ml$/.test(f) ? validator.validateAction(text) : validator.validateWorkflow(text);
  } finally {
    Object.assign(console, saved);
  }
  if (result.errors.length > 0) {
    failed++;
    console.error(`✗ ${f.slice(root.length + 1)}\n${notes.map((n) => `${n}\n`).join("")}${JSON.stringify(result.errors, null, 2)}`);
  }
}
if (failed) process.exit(1);
if (!quiet) console.log(`workflows valid: ${files.map((f) => f.slice(root.length + 1)).join(", ")}`);
