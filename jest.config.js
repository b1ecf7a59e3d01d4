/**
 * Jest: unit/synth tests and integration tests (Terraform, local servers) in two projects, run
 * together by `npm test`. Every run gets its own TMPDIR (checked empty at the end), test output is
 * shown only for failing tests (TEST_LOGS=1 shows it all), and test files run on every core.
 */
const { cpus } = require("node:os");

const transform = { "^.+\\.ts$": "<rootDir>/test/helpers/esbuild-transform.js" };
const common = {
  testEnvironment: "<rootDir>/test/helpers/quiet-environment.ts",
  // cdktf and the providers are loaded once per worker, not once per test file.
  runtime: "<rootDir>/test/helpers/shared-runtime.js",
  transform,
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
};
module.exports = {
  // One worker per core. Jest's default (cores - 1) is one worker on a 2-core machine. One more
  // than the cores used to fill the time integration tests wait on child processes, but every
  // worker compiles and keeps its own copy of what it loads (Jest, the AWS SDK, cdktf): measured
  // on 2 cores, four runs each, 3 workers 63-72 s wall and 121-137 s of CPU, 2 workers 58-69 s
  // and 107-127 s (the children still overlap: Terraform, servers and CLIs are processes).
  maxWorkers: cpus().length,
  // Longest files first (known slow ones on a first run), so the run does not end on one of them.
  testSequencer: "<rootDir>/test/helpers/sequencer.js",
  globalSetup: "<rootDir>/test/helpers/global-setup.ts",
  globalTeardown: "<rootDir>/test/helpers/global-teardown.ts",
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/{config,lib,modules,stacks,functions,policy,scripts,test}/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "\\.int\\.test\\.ts$"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/test/**/*.int.test.ts", "<rootDir>/functions/**/*.int.test.ts"],
    },
  ],
};
