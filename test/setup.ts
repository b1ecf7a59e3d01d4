// First, before cdktf loads: no stack trace captured for any token, as in `npm run synth` (a fifth
// of a synth's time). cdktf creates tokens while it loads, and under Jest every captured trace is
// source-mapped: about 30 ms per test file.
import "./helpers/no-token-stack-traces";
import { Console } from "node:console";
import { Testing } from "cdktf";
// Types of cdktf's Jest matchers (toHaveResourceWithProperties, ...).
import "cdktf/lib/testing/adapters/jest";
import { removeAfterFile, removeTracked, tempDir } from "./helpers/temp";

// Registers cdktf's Jest matchers.
Testing.setupJest();

// Testing.app() and Testing.fullSynth() leave a `cdktf.outdir.*` folder per call in TMPDIR:
// give them folders that are removed after the test file.
const app = Testing.app.bind(Testing);
Testing.app = (options = {}) => app({ ...options, outdir: options.outdir ?? tempDir("cdktf.outdir.") });
const fullSynth = Testing.fullSynth.bind(Testing);
Testing.fullSynth = (stack) => removeAfterFile(fullSynth(stack));
afterAll(removeTracked);

// console.* of the code under test goes to the streams the quiet environment holds back (and
// prints for a failing test), instead of Jest's console that prints on every run.
if (process.env.TEST_LOGS !== "1") {
  globalThis.console = new Console({ stdout: process.stdout, stderr: process.stderr });
}
