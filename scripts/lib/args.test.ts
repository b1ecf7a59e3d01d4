import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { cliArgs, HelpRequested, parseCli, UsageError, usageLine } from "./args";
import { TS_FLAGS } from "./ts-flags";

const cli = {
  command: "npm run demo --",
  summary: "A demo command.",
  flags: {
    env: { type: "string", description: "environment", default: "dev", choices: ["dev", "stg", "prod"] },
    runs: { type: "number", description: "repetitions", default: 5, min: 1, max: 50, integer: true },
    keep: { type: "boolean", description: "keep the work folder" },
    bucket: { type: "string", description: "bucket to create", multiple: true },
    label: { type: "string", description: "a label" },
  },
} as const;

describe("parseCli", () => {
  it("reads --flag value and --flag=value, with typed defaults", () => {
    const { values } = parseCli(cli, ["--env=prod", "--runs", "7", "--bucket", "a", "--bucket=b"]);
    expect(values).toEqual({ env: "prod", runs: 7, keep: false, bucket: ["a", "b"], label: undefined });
    expect(parseCli(cli, []).values).toEqual({
      env: "dev",
      runs: 5,
      keep: false,
      bucket: [],
      label: undefined,
    });
  });

  it.each([
    [["--evn", "prod"], /unknown option '--evn'/],
    [["--env", "qa"], /--env: "qa" is not one of dev, stg, prod/],
    [["--runs", "many"], /--runs: "many" is not a number/],
    [["--runs", "0"], /--runs: 0 is below the minimum 1/],
    [["--runs", "2.5"], /--runs: 2.5 is not a whole number/],
    [["--runs="], /--runs: "" is not a number/],
    [["--env"], /^--env needs a value$/],
    [["--keep=yes"], /^--keep takes no value$/],
    [["prod"], /unexpected argument "prod"/],
  ])("refuses %j naming the flag", (argv, message) => {
    expect(() => parseCli(cli, argv)).toThrow(UsageError);
    expect(() => parseCli(cli, argv)).toThrow(message);
  });

  it("reports every problem at once", () => {
    expect(() => parseCli(cli, ["--env", "qa", "--runs", "0"])).toThrow(
      '--env: "qa" is not one of dev, stg, prod; --runs: 0 is below the minimum 1',
    );
  });

  it("answers --help and -h with every flag, its default and the usage line", () => {
    for (const h of ["--help", "-h"]) {
      expect(() => parseCli(cli, [h])).toThrow(HelpRequested);
    }
    try {
      parseCli(cli, ["--help"]);
    } catch (e) {
      expect((e as Error).message).toContain("A demo command.");
      expect((e as Error).message).toContain("--runs <number>");
      expect((e as Error).message).toContain("(default 5)");
    }
    expect(usageLine(cli)).toBe(
      "usage: npm run demo -- [--env <dev|stg|prod>] [--runs <number>] [--keep] [--bucket <string>] [--label <string>]",
    );
  });

  it("takes positionals only when declared, within their bounds", () => {
    const withPos = {
      ...cli,
      positionals: { name: "sourceId", description: "source to run", min: 1, max: 1 },
    };
    expect(parseCli(withPos, ["orders", "--keep"]).positionals).toEqual(["orders"]);
    expect(() => parseCli(withPos, [])).toThrow("missing <sourceId>");
    expect(() => parseCli(withPos, ["a", "b"])).toThrow("too many arguments");
  });

  it("a required flag without a default is refused when absent", () => {
    const req = {
      ...cli,
      flags: { out: { type: "string", description: "output", required: true } },
    } as const;
    expect(() => parseCli(req, [])).toThrow("--out is required");
  });
});

describe("cliArgs in a script", () => {
  const demo = {
    command: "demo",
    summary: "Demo.",
    flags: { n: { type: "number", description: "n", default: 1 } },
  } as const;
  // A real process for what ends one (exit 2 and exit 0 after printing), with the TypeScript hook as npm runs it.
  const run = (args: string[]) =>
    spawnSync(
      process.execPath,
      [
        ...TS_FLAGS,
        "-e",
        `const { cliArgs } = require("./scripts/lib/args"); const { values } = cliArgs(${JSON.stringify(demo)}, process.argv.slice(1)); console.log(JSON.stringify(values));`,
        "--",
        ...args,
      ],
      { cwd: resolve(__dirname, "..", ".."), encoding: "utf8" },
    );

  it("exits 2 with the error and the usage line on bad input, 0 with help on --help", () => {
    const bad = run(["--m", "3"]);
    expect({ status: bad.status, stdout: bad.stdout }).toEqual({ status: 2, stdout: "" });
    expect(bad.stderr).toContain("error: unknown option '--m'");
    expect(bad.stderr).toContain("usage: demo [--n <number>]");
    const help = run(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("usage: demo [--n <number>]");
  });

  it("returns the values on good input and ends nothing (in-process: Jest fails a test that calls process.exit)", () => {
    expect(cliArgs(demo, ["--n=4"])).toEqual({ values: { n: 4 }, positionals: [] });
  });
});
