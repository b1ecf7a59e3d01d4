// secretlint's own command-line entry (`secretlint/cli`, the `run` its bin calls) for one or more
// scans in one process, without secretlint's always-on profiler. Used by scripts/scan-secrets.js.
//
// Input (stdin): a JSON array of jobs `{ cwd, files, format, secretlintrc }`. Output (stdout): a
// JSON array of `{ exitStatus, stdout, stderr }`, one per job, as the bin would have exited and
// printed with `--secretlintrc <rc> --maskSecrets --no-glob --no-color --format <format> <files>`
// run in `cwd` (`.secretlintignore` of `cwd` included).
//
// Why not the bin: (1) secretlint 11 marks every file and rule with performance.mark and, in an
// observer, searches every earlier mark for the matching start: quadratic in the number of marks.
// Over this repository (~400 files, ~7,000 marks) that was 1.8 s of the scan's 2.8 s of CPU; the
// profiler's mark is a no-op here (`--profile` is never asked for). (2) Loading secretlint costs
// ~0.4 s of CPU per process; several scans (test/secret-scan.test.ts) share one load.
import { secretLintProfiler } from "@secretlint/profiler";

secretLintProfiler.mark = () => {};
// No arguments on this process's command line: `cli.flags` holds secretlint's defaults.
const { run, cli } = await import("secretlint/cli");

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const jobs = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const results = [];
for (const job of jobs) {
  try {
    const r = await run(job.files, {
      ...cli.flags,
      cwd: job.cwd,
      secretlintrc: job.secretlintrc,
      format: job.format,
      maskSecrets: true,
      glob: false,
      color: false,
    });
    // The bin prints them with console.log / console.error: one newline after each.
    results.push({
      exitStatus: r.exitStatus,
      stdout: r.stdout ? `${r.stdout}\n` : "",
      stderr: r.stderr ? `${r.stderr}\n` : "",
    });
  } catch (error) {
    // As the bin: a fatal error (bad config, unreadable file) is exit status 2.
    results.push({ exitStatus: 2, stdout: "", stderr: `${error?.stack ?? error}\n` });
  }
}
process.stdout.write(JSON.stringify(results));
