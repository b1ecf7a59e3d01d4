/**
 * `npm run -s docs:diff -- --env <env> <base sections.json> <head sections.json>`
 * Prints the one line the PR plan comment carries: which design-document sections changed.
 * A missing base (first run, new environment) counts every section as changed.
 */
import { existsSync, readFileSync } from "node:fs";
import { designChangeLine, type SectionHashes } from "./docs/diff";
import { type Cli, cliArgs, type Flags } from "./lib/args";

const CLI = {
  command: "npm run -s docs:diff --",
  summary: "Prints the PR comment's line on which design-document sections changed.",
  flags: { env: { type: "string", description: "environment", required: true, placeholder: "ENV" } },
  positionals: {
    name: "base/sections.json> <head/sections.json",
    description: "the base's sections.json (may be missing: every section changed) and the head's",
    min: 2,
    max: 2,
  },
} as const satisfies Cli<Flags>;

function main(argv: string[]): number {
  const { values, positionals: files } = cliArgs(CLI, argv);
  const env = values.env;
  const read = (f: string, required: boolean): SectionHashes => {
    if (!existsSync(f)) {
      if (required) throw new Error(`${f} does not exist`);
      return {};
    }
    return JSON.parse(readFileSync(f, "utf8")) as SectionHashes;
  };
  try {
    console.log(designChangeLine(env, read(files[0], false), read(files[1], true)));
    return 0;
  } catch (e) {
    console.error(`docs:diff: ${(e as Error).message}`);
    return 1;
  }
}

process.exit(main(process.argv.slice(2)));
