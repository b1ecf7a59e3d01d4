// `npm run lint:secrets [-- --root <dir>] [files...]`: secretlint (recommended preset, `.secretlintrc.json`)
// over every file git knows in the repository: tracked files plus new files not ignored by
// `.gitignore`, so a key is caught before its first commit. Secrets are masked in the output; on
// GitHub Actions findings are printed as annotations. Exits 1 when anything is found.
// A file secretlint found clean is not sent to it again until the file, its path or the rules
// change (`.cache/secretlint.json`, this repository only, never on CI; `--no-cache` skips it).
// Plain JavaScript, like the other CI scripts.
const { execFileSync, spawnSync } = require("node:child_process");
const { createHash, randomBytes } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, statSync } = require("node:fs");
const { dirname, join, resolve } = require("node:path");
const { writeAtomic } = require("./lib/write-atomic.cjs");

const ROOT = resolve(__dirname, "..");
/** The clean verdicts of scans of this repository (see rulesKey). */
const CACHE = join(ROOT, ".cache", "secretlint.json");

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
 * scanAll (github on GitHub Actions, else stylish); `cache` as in scanAll.
 * @returns {{ status: number, output: string, files: number, scanned: number }}
 */
function scan(root, files, { format, cache } = {}) {
  return scanAll([{ root, files, format, cache }])[0];
}

/**
 * Clean verdicts: a file secretlint passed, remembered by a key over everything that decides its
 * verdict: what rulesKey covers (secretlint and its preset as installed and as locked, Node's
 * version, .secretlintrc.json, the root's .secretlintignore, this script and its runner), the
 * file's path and content (fileKeys). A changed file, rule or package is scanned again; a file
 * with a finding is never remembered (see nextClean).
 */
function rulesKey(root) {
  const rules = createHash("sha256").update(`${process.version}\0`);
  for (const f of [
    join(ROOT, "package-lock.json"),
    join(ROOT, "node_modules", "secretlint", "package.json"),
    join(ROOT, "node_modules", "@secretlint", "secretlint-rule-preset-recommend", "package.json"),
    join(ROOT, ".secretlintrc.json"),
    join(__dirname, "lib", "secretlint.mjs"),
    __filename,
    join(root, ".secretlintignore"),
  ]) {
    rules.update(existsSync(f) ? readFileSync(f) : "").update("\0");
  }
  return rules.digest("hex");
}

/** Each file's key under `rules` (rulesKey): file -> key. */
function fileKeys(rules, root, files) {
  return new Map(
    files.map((f) => {
      const h = createHash("sha256").update(`${rules}\0${f}\0`);
      try {
        h.update(readFileSync(join(root, f)));
      } catch {
        h.update(randomBytes(16)); // unreadable now: never matches, secretlint reports it
      }
      return [f, h.digest("hex")];
    }),
  );
}

/**
 * The clean keys to keep after a scan. `files`: the scan's files; `before`: their keys when the
 * scan started; `after`: the keys of the files sent to secretlint, read again after it; `clean`:
 * the keys remembered before; `status`: secretlint's. Kept: files remembered before whose key
 * still holds, and, only when secretlint passed, files it read whose key did not change while it
 * ran (a file deleted or rewritten in that window is not what secretlint read: secretlint passes
 * over a missing file). Files gone from the scan drop out.
 * @param {string[]} files
 * @param {Map<string, string>} before
 * @param {Map<string, string>} after
 * @param {Set<string>} clean
 * @param {number} status
 */
function nextClean(files, before, after, clean, status) {
  const keep = new Set();
  for (const f of files) {
    const key = before.get(f);
    if (!after.has(f)) {
      if (clean.has(key)) keep.add(key);
    } else if (status === 0 && after.get(f) === key) keep.add(key);
  }
  return keep;
}

/**
 * Where `npm run lint:secrets` keeps its clean verdicts, or undefined for none: this repository
 * only (another root's .cache may not be ignored by its git), full scans only (a scan of named
 * files would drop the others' verdicts), never with --no-cache, never on CI (`CI` set, as
 * GitHub Actions does), whose scan is the one that gates a merge.
 * @param {{ root: string, noCache?: boolean, named: number, env?: NodeJS.ProcessEnv }} o
 */
function cacheFileFor({ root, noCache = false, named, env = process.env }) {
  return root === ROOT && !noCache && named === 0 && !env.CI ? CACHE : undefined;
}

/** The keys stored in `file` (none when it is missing or not ours). */
function readClean(file) {
  try {
    const data = JSON.parse(readFileSync(file, "utf8"));
    return new Set(data.version === 1 && Array.isArray(data.clean) ? data.clean : []);
  } catch {
    return new Set();
  }
}

/** Stores `keys` in `file` atomically; a cache that cannot be written only costs the next scan. */
function writeClean(file, keys) {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeAtomic(file, JSON.stringify({ version: 1, clean: [...keys].sort() }));
  } catch {
    // Scanned again next time.
  }
}

/**
 * Several scans (each a root and its files) in one secretlint process: what `scan` does for each,
 * for one load of secretlint instead of one per scan. With `cache` (a file), secretlint only sees
 * the files not found clean before with the same key (rulesKey, fileKeys); our own checks see every file.
 * `scanned` is how many files secretlint saw.
 * @param {{ root: string, files: string[], format?: string, cache?: string }[]} jobs
 * @returns {{ status: number, output: string, files: number, scanned: number }[]}
 */
function scanAll(jobs) {
  const rc = join(ROOT, ".secretlintrc.json");
  const defaultFormat = process.env.GITHUB_ACTIONS === "true" ? "github" : "stylish";
  const planned = jobs.map((job) => {
    if (!job.cache) return { job, files: job.files };
    const rules = rulesKey(job.root);
    const keys = fileKeys(rules, job.root, job.files);
    const clean = readClean(job.cache);
    return { job, rules, keys, clean, files: job.files.filter((f) => !clean.has(keys.get(f))) };
  });
  // secretlint refuses an empty file list ("Not found target files"): nothing to scan is a pass.
  const toRun = planned.filter((p) => p.files.length > 0);
  let results = [];
  if (toRun.length > 0) {
    // secretlint's CLI, minus its quadratic profiler (scripts/lib/secretlint.mjs says why).
    const r = spawnSync(process.execPath, [join(__dirname, "lib", "secretlint.mjs")], {
      cwd: ROOT,
      input: JSON.stringify(
        toRun.map((p) => ({ cwd: p.job.root, files: p.files, format: p.job.format ?? defaultFormat, secretlintrc: rc })),
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
  return planned.map((p) => {
    const { job } = p;
    const i = toRun.indexOf(p);
    const r = i >= 0 ? results[i] : { exitStatus: 0, stdout: "", stderr: "" };
    // secretlint exits 1 on findings, 2 on its own errors (bad config, unreadable file).
    let status = r.exitStatus ?? 2;
    let output = r.stdout + r.stderr;
    if (job.cache) {
      // Which files secretlint flagged is in its output, not in its status: after a finding only
      // the files clean before are kept.
      const after = fileKeys(p.rules, job.root, p.files);
      writeClean(job.cache, nextClean(job.files, p.keys, after, p.clean, status));
    }
    const extra = extraFindings(job.root, job.files);
    if (extra.length > 0) {
      status = Math.max(status, 1);
      output += `${extra.join("\n")}\n`;
    }
    return { status, output, files: job.files.length, scanned: p.files.length };
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

module.exports = { cacheFileFor, nextClean, repositoryFiles, scan, scanAll };

if (require.main === module) {
  // Node's own strict parser (this script runs without the TypeScript hook, so not scripts/lib/args.ts).
  const usage = "usage: npm run lint:secrets -- [--root <dir>] [--no-cache] [<file>...]";
  let parsed;
  try {
    parsed = require("node:util").parseArgs({
      options: { root: { type: "string" }, "no-cache": { type: "boolean" }, help: { type: "boolean", short: "h" } },
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
        "  --no-cache    scan every file with secretlint, also those found clean before (always on CI)\n" +
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
  const cache = cacheFileFor({ root, noCache: parsed.values["no-cache"], named: parsed.positionals.length });
  const r = scan(root, files, { cache });
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
  const unchanged = r.files - r.scanned;
  console.log(
    `no secrets found in ${r.files} file${r.files === 1 ? "" : "s"}${unchanged > 0 ? ` (${unchanged} unchanged since they were found clean)` : ""}`,
  );
}
