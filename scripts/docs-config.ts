/**
 * `npm run docs:config`: writes the configuration field tables (config/docs.ts) into README.md
 * between `<!-- config-fields:<table> -->` markers. `--check` writes nothing and exits 1 when the
 * README is stale, a marker is missing, or a field has no description (CI, config/docs.test.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_TABLES, fieldRows, renderReadme } from "../config/docs";
import { FIELD_DOCS } from "../config/field-docs";
import { cliArgs } from "./lib/args";

const { values } = cliArgs({
  command: "npm run docs:config --",
  summary: "Writes the configuration field tables into README.md.",
  flags: {
    check: {
      type: "boolean",
      description: "write nothing; exit 1 when the README is stale or a field undocumented",
    },
  },
});
const check = values.check;
const README = join(__dirname, "..", "README.md");
const current = readFileSync(README, "utf8");
const { text, missingMarkers } = renderReadme(current);
const undocumented = CONFIG_TABLES.flatMap((t) =>
  fieldRows(t.schema, FIELD_DOCS[t.id])
    .filter((r) => !r.description)
    .map((r) => `${t.id}: ${r.field}`),
);
for (const id of missingMarkers) console.error(`README.md: no <!-- config-fields:${id} --> … :end markers`);
for (const f of undocumented)
  console.error(`undocumented field ${f} (add .describe() or config/field-docs.ts)`);
if (check) {
  if (text !== current) console.error("README.md: config tables are stale (run npm run docs:config)");
  process.exitCode = text !== current || missingMarkers.length || undocumented.length ? 1 : 0;
} else {
  if (text !== current) writeFileSync(README, text);
  console.log(text !== current ? "README.md: config tables updated" : "README.md: config tables up to date");
  process.exitCode = missingMarkers.length || undocumented.length ? 1 : 0;
}
