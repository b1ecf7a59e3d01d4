// `npm test`'s checks before Jest: typecheck, lint, workflow schemas and the secret scan, run at
// the same time (each is mostly one process on one core). Quiet when they pass; a failing one's
// output is printed under its name, and the exit code is 1 if any failed.
// Plain JavaScript (no tsx): it only starts the package.json scripts it names.
const { spawn } = require("node:child_process");

const CHECKS = [
  ["typecheck"],
  ["lint"],
  ["lint:workflows", "--", "--quiet"],
  ["lint:secrets"],
];

if (process.argv.length > 2) {
  const a = process.argv[2];
  const what = a.startsWith("-") ? `unknown option '${a}'` : `unexpected argument "${a}"`;
  process.stderr.write(`error: ${what} (it takes none)\nusage: node scripts/prelude.js\n`);
  process.exit(2);
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = ([script, ...args]) =>
  new Promise((resolve) => {
    const child = spawn(npm, ["run", "-s", script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const out = [];
    child.stdout.on("data", (b) => out.push(b));
    child.stderr.on("data", (b) => out.push(b));
    child.on("error", (e) => resolve({ script, code: 1, output: `${e.message}\n` }));
    child.on("close", (code, signal) =>
      resolve({ script, code: code ?? 1, signal, output: Buffer.concat(out).toString("utf8") }),
    );
  });

Promise.all(CHECKS.map(run)).then((results) => {
  const failed = results.filter((r) => r.code !== 0);
  for (const r of failed) {
    process.stderr.write(`\n✗ npm run ${r.script} failed (${r.signal ?? `exit ${r.code}`}):\n${r.output}`);
  }
  process.exitCode = failed.length > 0 ? 1 : 0;
});
