// `npm test`: the checks of scripts/prelude.js (typecheck, lint, workflow schemas, secret scan) and
// Jest, at the same time. Jest's output streams as usual; the checks stay quiet when they pass, and
// a failing check is printed as soon as it fails (Jest keeps running, so its results come too).
// The exit code is Jest's, or 1 if a check failed. Arguments go to Jest (`npm test -- <path>`).
// Started one after the other they cost ~2.5 s more wall time: the checks use ~4 s of CPU on two
// cores, and Jest leaves a core idle now and then (a worker waiting on a child process or a file).
// Plain JavaScript (no TypeScript hook).
const { spawn } = require("node:child_process");
const { readdirSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

const ROOT = join(__dirname, "..");

const checks = spawn(process.execPath, [join(__dirname, "prelude.js")], {
  cwd: ROOT,
  stdio: ["ignore", "pipe", "pipe"],
});
// The run's temporary root is tagged with this process id (test/helpers/temp-root.ts): Jest removes
// it in its global teardown, this removes it when Jest was stopped by a signal before that.
const RUN_TAG = String(process.pid);
const jest = spawn(process.execPath, [require.resolve("jest/bin/jest"), "--ci", ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, DP_TEST_RUN_TAG: RUN_TAG },
});
/** Jest's global setup creates the root in the TMPDIR it inherits from here (temp-root.ts). */
function removeRunRoots() {
  for (const name of readdirSync(tmpdir()))
    if (name.startsWith(`dp-test-run-${RUN_TAG}-`)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
}

const output = [];
checks.stdout.on("data", (b) => output.push(b));
checks.stderr.on("data", (b) => output.push(b));
const checked = new Promise((resolve) => {
  checks.on("error", (e) => resolve({ code: 1, text: `scripts/prelude.js did not start: ${e.message}\n` }));
  checks.on("close", (code, signal) =>
    resolve({ code: code ?? 1, signal, text: Buffer.concat(output).toString("utf8") }),
  );
}).then((r) => {
  if (r.code !== 0) process.stderr.write(`${r.text}\n(checks failed; Jest goes on)\n`);
  return r.code === 0;
});
const tested = new Promise((resolve) => {
  jest.on("error", (e) => {
    process.stderr.write(`jest did not start: ${e.message}\n`);
    resolve(1);
  });
  jest.on("close", (code, signal) => {
    if (signal || (code !== 0 && code !== 1)) removeRunRoots();
    resolve(code ?? 1);
  });
});

// Ctrl-C in a terminal reaches both children already (same process group); a signal sent to this
// process alone (a CI runner cancelling the job) is passed on. Either way this process waits for
// them to finish their cleanup (Jest's global teardown removes the run's temporary folder).
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of [checks, jest]) if (child.exitCode === null && !child.killed) child.kill(signal);
  });
}

Promise.all([checked, tested]).then(([checksPassed, jestCode]) => {
  if (!checksPassed) process.stderr.write("\n✗ npm test: the checks failed (see above)\n");
  process.exitCode = jestCode !== 0 ? jestCode : checksPassed ? 0 : 1;
});
