// `npm run lint:secrets [-- --root <dir>] [files...]`: secretlint (recommended preset, `.secretlintrc.json`)
// over every file git knows in the repository: tracked files plus new files not ignored by
// `.gitignore`, so a key is caught before its first commit. Secrets are masked in the output; on
// GitHub Actions findings are printed as annotations. Exits 1 when anything is found.
// Plain JavaScript, like the other CI scripts.
const { execFileSync, spawnSync } = require("node:child_process");
const { existsSync, readFileSync, statSync } = require("node:fs");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");

/** Files git tracks in `root`, plus untracked files it does not ignore (paths relative to root). */
function repositoryFiles(root) {
  const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  // Deleted-but-still-tracked files and submodule directories are not scannable.
  return [...new Set(out.split("\0").filter(Boolean))].filter((f) => {
    const p = join(root, f);
    return existsSync(p) && statSync(p).isFile();
  });
}

/**
 * Runs secretlint over `files` (relative to `root`), plus our own checks; `format` defaults as in
 * scanAll (github on GitHub Actions, else stylish).
 * @returns {{ status: number, output: string, files: number }}
 */
function scan(root, files, { format } = {}) {
  return scanAll([{ root, files, format }])[0];
}

/**
 * Several scans (each a root and its files) in one secretlint process: what `scan` does for each,
 * for one load of secretlint instead of one per scan.
 * @param {{ root: string, files: string[], format?: string }[]} jobs
 * @returns {{ status: number, output: string, files: number }[]}
 */
function scanAll(jobs) {
  const rc = join(ROOT, ".secretlintrc.json");
  const defaultFormat = process.env.GITHUB_ACTIONS === "true" ? "github" : "stylish";
  // secretlint refuses an empty file list ("Not found target files"): nothing to scan is a pass.
  const toRun = jobs.filter((j) => j.files.length > 0);
  let results = [];
  if (toRun.length > 0) {
    // secretlint's CLI, minus its quadratic profiler (scripts/lib/secretlint.mjs says why).
    const r = spawnSync(process.execPath, [join(__dirname, "lib", "secretlint.mjs")], {
      cwd: ROOT,
      input: JSON.stringify(
        toRun.map((j) => ({ cwd: j.root, files: j.files, format: j.format ?? defaultFormat, secretlintrc: rc })),
      ),
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    if (r.status !== 0) {
      // The runner itself failed (secretlint missing, a crash): every scan failed to run.
      results = toRun.map(() => ({ exitStatus: 2, stdout: r.stdout, stderr: r.stderr }));
    } else {
      results = JSON.parse(r.stdout);
    }
  }
  return jobs.map((job) => {
    const i = toRun.indexOf(job);
    const r = i >= 0 ? results[i] : { exitStatus: 0, stdout: "", stderr: "" };
    // secretlint exits 1 on findings, 2 on its own errors (bad config, unreadable file).
    let status = r.exitStatus ?? 2;
    let output = r.stdout + r.stderr;
    const extra = extraFindings(job.root, job.files);
    if (extra.length > 0) {
      status = Math.max(status, 1);
      output += `${extra.join("\n")}\n`;
    }
    return { status, output, files: job.files.length };
  });
}

/**
 * Our own checks for what the recommended preset lets through (measured in test/secret-scan.test.ts):
 * PEM private keys too short for its heuristic (Ed25519, EC P-256 in SEC1 form), and AWS secret keys
 * whose last character is `+` or `/` (its pattern ends on a word boundary).
 */
const EXTRA_CHECKS = [
  {
    id: "DP-PrivateKey",
    message: "private key (PEM)",
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:\\n|\s)*[A-Za-z0-9+/=]{16}[A-Za-z0-9+/=\s\\]*-----END/g,
  },
  {
    id: "DP-AWSSecretAccessKey",
    message: "AWS secret access key",
    pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi,
  },
];
const MAX_BYTES = 5 * 1024 * 1024;

/** Paths `.secretlintignore` (in `root`) excludes: one glob per line, `#` comments (`*`, `**`). */
function ignoredBy(root) {
  const file = join(root, ".secretlintignore");
  if (!existsSync(file)) return () => false;
  const globs = readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map(
      (g) =>
        new RegExp(
          `^${g
            .replace(/^\//, "")
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*\*/g, "\0")
            .replace(/\*/g, "[^/]*")
            .replace(/\0/g, ".*")}(/.*)?$`,
        ),
    );
  return (f) => globs.some((re) => re.test(f));
}

/** Findings of the extra checks as `file:line  [id] message` lines (values never printed). */
function extraFindings(root, files) {
  const out = [];
  const ignored = ignoredBy(root);
  for (const f of files) {
    if (ignored(f)) continue;
    const p = join(root, f);
    let text;
    try {
      if (statSync(p).size > MAX_BYTES) continue;
      const buf = readFileSync(p);
      if (buf.includes(0)) continue; // binary
      text = buf.toString("utf8");
    } catch {
      continue;
    }
    for (const c of EXTRA_CHECKS) {
      for (const m of text.matchAll(c.pattern)) {
        const line = text.slice(0, m.index).split("\n").length;
        out.push(`${p}:${line}  error  [${c.id}] found ${c.message}: ${"*".repeat(12)}`);
      }
    }
  }
  return out;
}

module.exports = { repositoryFiles, scan, scanAll };

if (require.main === module) {
  // Node's own strict parser (this script runs without the TypeScript hook, so not scripts/lib/args.ts).
  const usage = "usage: npm run lint:secrets -- [--root <dir>] [<file>...]";
  let parsed;
  try {
    parsed = require("node:util").parseArgs({
      options: { root: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    process.stderr.write(`error: ${e.message.replace(/\. To specify a positional.*$/s, "")}\n${usage}\n`);
    process.exit(2);
  }
  if (parsed.values.help) {
    process.stdout.write(
      `Scans the repository's files (tracked and new, not ignored) for secrets with secretlint.\n\n${usage}\n\n` +
        "  --root <dir>  the repository to scan (default: this one)\n" +
        "  <file>...     only these files (relative to the root)\n" +
        "  -h, --help    print this help\n",
    );
    process.exit(0);
  }
  const root = parsed.values.root ? resolve(parsed.values.root) : ROOT;
  if (!existsSync(root)) {
    process.stderr.write(`error: --root: ${root} does not exist\n${usage}\n`);
    process.exit(2);
  }
  const files = parsed.positionals.length > 0 ? parsed.positionals : repositoryFiles(root);
  const r = scan(root, files);
  if (r.status !== 0) {
    process.stderr.write(r.output);
    process.stderr.write(
      r.status === 1
        ? "\n✗ secret-looking values found (masked above). Keep secrets in AWS Secrets Manager and refer to them by id;\n" +
            "  if one was ever committed, rotate it first, then remove it from the history.\n"
        : "\n✗ secretlint could not run (see above)\n",
    );
    process.exit(r.status);
  }
  console.log(`no secrets found in ${r.files} files`);
}
