// `npm test`'s checks before Jest: typecheck, lint, workflow schemas and the secret scan, run at
// the same time (each is mostly one process on one core). Quiet when they pass; a failing one's
// output is printed under its name, and the exit code is 1 if any failed.
// Plain JavaScript (no TypeScript hook): it only starts the package.json scripts it names, each as npm would
// (its command from package.json, node_modules/.bin first) but without starting npm for it: npm
// itself costs ~0.25 s of CPU per script, 1 s of the prelude's ~5 s. A script whose command needs
// a shell (&&, quotes, variables) still goes through npm.
const { spawn } = require("node:child_process");
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const ROOT = join(__dirname, "..");
const CHECKS = [["typecheck"], ["lint"], ["lint:workflows", "--quiet"], ["lint:secrets"]];

if (process.argv.length > 2) {
  const a = process.argv[2];
  const what = a.startsWith("-") ? `unknown option '${a}'` : `unexpected argument "${a}"`;
  process.stderr.write(`error: ${what} (it takes none)\nusage: node scripts/prelude.js\n`);
  process.exit(2);
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const scripts = require(join(ROOT, "package.json")).scripts;

/** [file, args] that runs package.json script `name` with `extra` arguments. */
function commandOf(name, extra) {
  const line = scripts[name];
  if (typeof line !== "string") throw new Error(`package.json has no script "${name}"`);
  const [bin, ...args] = line.trim().split(/\s+/);
  const local = join(ROOT, "node_modules", ".bin", bin);
  const plain = !/[^\w@%+=:,./-]/.test(line.replace(/\s+/g, ""));
  if (plain && bin === "node") return [process.execPath, [...args, ...extra]];
  if (plain && process.platform !== "win32" && existsSync(local)) return [local, [...args, ...extra]];
  return [npm, ["run", "-s", name, ...(extra.length > 0 ? ["--", ...extra] : [])]];
}

const run = ([script, ...extra]) =>
  new Promise((resolve) => {
    const [file, args] = commandOf(script, extra);
    const child = spawn(file, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
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
