// secretlint's command line (`secretlint/cli`, the same `run` its bin calls) without its always-on
// profiler. secretlint 11 marks every file and rule with performance.mark and, in an observer,
// searches every earlier mark for the matching start: quadratic in the number of marks. Over this
// repository (~400 files, ~7,000 marks) that was 1.8 s of the scan's 2.8 s of CPU; without it
// the scan costs 1.0 s. Same rules, same config, same output and exit codes; `--profile` prints
// nothing here (scripts/scan-secrets.js never asks for it).
import { secretLintProfiler } from "@secretlint/profiler";

secretLintProfiler.mark = () => {};
const { run, cli } = await import("secretlint/cli");
try {
  const { exitStatus, stderr, stdout } = await run(cli.input, cli.flags);
  if (stdout) console.log(stdout);
  if (stderr) console.error(stderr);
  process.exit(exitStatus);
} catch (error) {
  console.error(error);
  process.exit(2); // as secretlint's bin: a fatal error
}
