/**
 * `npm run -s docs:diff -- --env <env> <base sections.json> <head sections.json>`
 * Prints the one line the PR plan comment carries: which design-document sections changed.
 * A missing base (first run, new environment) counts every section as changed.
 */
import { existsSync, readFileSync } from "node:fs";
import { designChangeLine, type SectionHashes } from "./docs/diff";

const USAGE = "usage: npm run -s docs:diff -- --env <env> <base/sections.json> <head/sections.json>";

function main(argv: string[]): number {
  const files: string[] = [];
  let env: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--env") env = argv[++i];
    else if (a.startsWith("--env=")) env = a.slice(6);
    else if (a.startsWith("-")) {
      console.error(`docs:diff: unknown argument "${a}"\n${USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (!env || files.length !== 2) {
    console.error(USAGE);
    return 2;
  }
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
