/**
 * `npm run ingest:local -- <sourceId> [--records N] [--page-size N] [--run-date YYYY-MM-DD]`: runs the real handler against local s3rver +
 * dynalite, a Secrets Manager stub and the bundled demo SaaS API, so a newcomer sees files land
 * without AWS. Sources come from config/sources.ts; their URL is pointed at the demo API (same
 * pagination style) and their secret at a local value. README recipes (stripe_customers,
 * salesforce_accounts, …) run unchanged but for their origin, against the demo API's copy of
 * that API's paging and auth (functions/saas-ingest/dev/demo-saas-apis.ts).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { loadListOnly } from "../config";
import { sources as sourceList } from "../config/sources";
import { servesPath } from "../functions/saas-ingest/dev/demo-saas-apis";
import { demoSettings } from "../functions/saas-ingest/dev/demo-settings";
import { localRecipe, onDemoApi, recipeIds } from "../functions/saas-ingest/dev/local-recipes";
import { DEMO_TOKEN, startDemoStandIns } from "../functions/saas-ingest/dev/stand-ins";
import {
  createSettingsTable,
  getBytes,
  getSourceState,
  listKeys,
  putSourceConfig,
} from "../functions/shared/dev/local";
import { cliArgs } from "./lib/args";
import { startServers } from "./local-aws";

const BUCKET = "local-raw";
const TABLE = "local-settings";

const sources = loadListOnly(sourceList);
const known = sources.map((s) => s.id);
const recipes = `README recipes: ${recipeIds().join(", ")}`;
const { values: opts, positionals } = cliArgs({
  command: "npm run ingest:local --",
  summary: "Runs the ingestion handler against local S3/DynamoDB servers and a demo API.",
  positionals: {
    name: "sourceId",
    description: `a source of config/sources.ts (${known.join(", ")}) or a ${recipes}`,
    min: 1,
    max: 1,
  },
  flags: {
    records: {
      type: "number",
      description: "records the demo API serves",
      default: 2500,
      min: 0,
      max: 5_000_000,
      integer: true,
    },
    "page-size": {
      type: "number",
      description: "records per page",
      default: 500,
      min: 1,
      max: 100_000,
      integer: true,
    },
    "run-date": {
      type: "string",
      description: "the run date (YYYY-MM-DD); default: the source's runDate policy",
    },
  },
});

async function main() {
  const sourceId = positionals[0];
  const source = sources.find((s) => s.id === sourceId);
  if (!source && !recipeIds().includes(sourceId))
    throw new Error(
      `unknown sourceId "${sourceId}" (config/sources.ts has: ${known.join(", ")}); ${recipes}`,
    );
  const total = opts.records;

  const dir = mkdtempSync(join(tmpdir(), "ingest-local-"));
  const servers = await startServers([BUCKET], dir);
  const token = DEMO_TOKEN;
  const demo = await startDemoStandIns({
    total,
    pageSize: opts["page-size"],
    token,
    ...servers.endpoints,
    table: TABLE,
    bucket: BUCKET,
  });
  const { saas, secrets } = demo;
  try {
    Object.assign(process.env, demo.env);
    await createSettingsTable(servers.endpoints.dynamodb, TABLE);
    // A source made from a recipe (its URL is one of the API copies' paths), or a recipe itself:
    // run unchanged but for the origin. A config/sources.ts entry wins over a recipe of the same id.
    const recipe = source
      ? servesPath(new URL(source.settings.request.url).pathname)
        ? onDemoApi(source.settings, saas.url)
        : undefined
      : localRecipe(sourceId, saas.url);
    if (recipe) {
      for (const [id, value] of Object.entries(recipe.secrets)) secrets.secrets.set(id, value);
      await putSourceConfig(servers.endpoints.dynamodb, TABLE, sourceId, recipe.settings);
    }
    const s = recipe ? undefined : source?.settings;
    const local = s && demoSettings(s, saas.url);
    if (s && !local)
      throw new Error(
        `${sourceId}: the demo API has no generic endpoint for pagination "${s.pagination.type}"; point request.url at one of the README recipes' paths to run it locally`,
      );
    if (s && local) {
      if (s.auth.type !== "none") secrets.secrets.set(s.auth.secretId, token);
      await putSourceConfig(servers.endpoints.dynamodb, TABLE, sourceId, local);
    }
    const { handler } = await import("../functions/saas-ingest/handler");
    const summary = await handler(
      { sourceId, ...(opts["run-date"] ? { runDate: opts["run-date"] } : {}) },
      { getRemainingTimeInMillis: () => 900_000, awsRequestId: "local" },
    );
    console.log("\nsummary:", JSON.stringify(summary, null, 2));
    const keys = await listKeys(servers.endpoints.s3, BUCKET);
    console.log(`\nobjects in s3://${BUCKET} (files on disk under ${dir}):`);
    for (const k of keys) console.log(`  ${k}`);
    const first = keys.find((k) => k.endsWith(".jsonl.gz"));
    if (first) {
      const lines = gunzipSync(await getBytes(servers.endpoints.s3, BUCKET, first))
        .toString()
        .split("\n")
        .slice(0, 2);
      console.log(`\nfirst records of ${first}:\n  ${lines.join("\n  ")}`);
    }
    console.log(
      "\nstate item:",
      JSON.stringify(await getSourceState(servers.endpoints.dynamodb, TABLE, sourceId)),
    );
  } finally {
    await Promise.all([servers.close(), demo.stop()]);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
