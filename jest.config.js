/** Jest: unit/synth tests run in parallel; terraform and local-server tests in their own project. */
const transform = { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] };
const common = { testEnvironment: "node", transform, setupFilesAfterEnv: ["<rootDir>/test/setup.ts"] };
module.exports = {
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
