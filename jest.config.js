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
  // Jest's default (cores - 1) is one worker on a 2-core machine; most integration tests wait on
  // child processes (Terraform, local servers), so every core plus one keeps the CPU busy.
  maxWorkers: cpus().length + 1,
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
