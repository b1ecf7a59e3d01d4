/**
 * `npm run docs:config`: writes the configuration field tables (config/docs.ts) into README.md
 * between `<!-- config-fields:<table> -->` markers, and the stack outputs (stacks/outputs.ts)
 * between `<!-- outputs:start -->` and `<!-- outputs:end -->`. `--check` writes nothing and exits 1
 * when the README is stale, a marker is missing, or a field has no description (CI,
 * config/docs.test.ts, stacks/outputs.test.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliArgs } from "./lib/args";

const { values } = cliArgs({
  command: "npm run docs:config --",
  summary: "Writes the configuration field tables and the stack outputs into README.md.",
  flags: {
    check: {
      type: "boolean",
      description: "write nothing; exit 1 when the README is stale or a field undocumented",
    },
  },
});
const check = values.check;

async function main() {
  // Loaded after the command line is checked: the schemas and the stack outputs load zod and cdktf.
  const { CONFIG_TABLES, fieldRows, renderReadme } =
    require("../config/docs") as typeof import("../config/docs");
  const { FIELD_DOCS } = require("../config/field-docs") as typeof import("../config/field-docs");
  const { replaceBetween } = require("../lib/readme-blocks") as typeof import("../lib/readme-blocks");
  const { OUTPUTS_MARKERS, outputsReadme } =
    require("../stacks/outputs") as typeof import("../stacks/outputs");
  const README = join(__dirname, "..", "README.md");
  const current = readFileSync(README, "utf8");
  const config = renderReadme(current);
  const [start, end] = OUTPUTS_MARKERS;
  const withOutputs = replaceBetween(config.text, start, end, outputsReadme());
  const text = withOutputs ?? config.text;
  const missingMarkers = [...config.missingMarkers, ...(withOutputs === undefined ? ["outputs"] : [])];
  const undocumented = CONFIG_TABLES.flatMap((t) =>
    fieldRows(t.schema, FIELD_DOCS[t.id])
      .filter((r) => !r.description)
      .map((r) => `${t.id}: ${r.field}`),
  );
  for (const id of missingMarkers)
    console.error(
      id === "outputs"
        ? `README.md: no ${start} … ${end} markers`
        : `README.md: no <!-- config-fields:${id} --> … :end markers`,
    );
  for (const f of undocumented)
    console.error(`undocumented field ${f} (add .describe() or config/field-docs.ts)`);
  if (check) {
    if (text !== current) console.error("README.md: generated tables are stale (run npm run docs:config)");
    process.exitCode = text !== current || missingMarkers.length || undocumented.length ? 1 : 0;
  } else {
    if (text !== current) writeFileSync(README, text);
    console.log(
      text !== current ? "README.md: generated tables updated" : "README.md: generated tables up to date",
    );
    process.exitCode = missingMarkers.length || undocumented.length ? 1 : 0;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
