/**
 * `npm run ingest:local -- <sourceId...> [--records N] [--page-size N] [--run-date YYYY-MM-DD]`:
 * runs the real handler against local s3rver + dynalite, a Secrets Manager stub and the bundled
 * demo SaaS API, so a newcomer sees files land without AWS. Sources come from config/sources.ts;
 * their URL is pointed at the demo API (same pagination style) and their secret at a local value.
 * README recipes (stripe_customers, salesforce_accounts, …) run unchanged but for their origin,
 * against the demo API's copy of that API's paging and auth
 * (functions/saas-ingest/dev/demo-saas-apis.ts). Several ids run one after another against the
 * same servers. The local bucket's files are removed at exit, whether the run passed, failed or was
 * stopped (Ctrl-C); `--keep` keeps them and prints where.
 *
 * The flags are checked before anything else is loaded: a typo costs a usage line, not the
 * configuration, the AWS SDK and two servers.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { cliArgs } from "./lib/args";

const BUCKET = "local-raw";
const TABLE = "local-settings";

const { values: opts, positionals: ids } = cliArgs({
  command: "npm run ingest:local --",
  summary: "Runs the ingestion handler against local S3/DynamoDB servers and a demo API.",
  positionals: {
    name: "sourceId",
    description:
      "sources of config/sources.ts or README recipes (e.g. demo_orders, stripe_customers; an unknown id lists them all), run in turn",
    min: 1,
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
    keep: {
      type: "boolean",
      description: "keep the local bucket's files after the run and print where",
    },
  },
});

async function main() {
  // Only what naming the sources needs, so an unknown id is refused before the servers start.
  const { loadListOnly } = require("../config/registry") as typeof import("../config/registry");
  const { sources: sourceList } = require("../config/sources") as typeof import("../config/sources");
  const { localRecipe, onDemoApi, recipeIds } =
    require("../functions/saas-ingest/dev/local-recipes") as typeof import("../functions/saas-ingest/dev/local-recipes");
  const sources = loadListOnly(sourceList);
  const known = sources.map((s) => s.id);
  const unknown = ids.filter((id) => !known.includes(id) && !recipeIds().includes(id));
  if (unknown.length > 0)
    throw new Error(
      `unknown sourceId ${unknown.map((id) => `"${id}"`).join(", ")} (config/sources.ts has: ${known.join(", ")}); README recipes: ${recipeIds().join(", ")}`,
    );

  const { servesPath } =
    require("../functions/saas-ingest/dev/demo-saas-apis") as typeof import("../functions/saas-ingest/dev/demo-saas-apis");
  const { demoSettings } =
    require("../functions/saas-ingest/dev/demo-settings") as typeof import("../functions/saas-ingest/dev/demo-settings");
  const { DEMO_TOKEN, startDemoStandIns } =
    require("../functions/saas-ingest/dev/stand-ins") as typeof import("../functions/saas-ingest/dev/stand-ins");
  const local = require("../functions/shared/dev/local") as typeof import("../functions/shared/dev/local");
  const { startServers } = require("./lib/local-servers") as typeof import("./lib/local-servers");
  const { removeFolderStep, withCleanup } = require("./lib/cleanup") as typeof import("./lib/cleanup");
  const { createSettingsTable, getBytes, getSourceState, listKeys, putSourceConfig } = local;

  // The local bucket's files: removed at exit, passed or failed, unless --keep.
  await withCleanup(async (cleanup) => {
    const dir = mkdtempSync(join(tmpdir(), "ingest-local-"));
    cleanup(removeFolderStep(dir, opts.keep === true, "the local bucket's files"));
    const servers = await startServers([BUCKET], dir);
    cleanup(() => servers.close());
    const token = DEMO_TOKEN;
    const demo = await startDemoStandIns({
      total: opts.records,
      pageSize: opts["page-size"],
      token,
      ...servers.endpoints,
      table: TABLE,
      bucket: BUCKET,
    });
    cleanup(() => demo.stop());
    const { saas, secrets } = demo;
    const { s3, dynamodb } = servers.endpoints;
    Object.assign(process.env, demo.env);
    await createSettingsTable(dynamodb, TABLE);
    // Every settings item first: a source that cannot run locally stops before any run.
    const prefixes = new Map<string, string>();
    for (const sourceId of ids) {
      const source = sources.find((s) => s.id === sourceId);
      // A source made from a recipe (its URL is one of the API copies' paths), or a recipe itself:
      // run unchanged but for the origin. A config/sources.ts entry wins over a recipe of the same id.
      const recipe = source
        ? servesPath(new URL(source.settings.request.url).pathname)
          ? onDemoApi(source.settings, saas.url)
          : undefined
        : localRecipe(sourceId, saas.url);
      if (recipe) {
        for (const [id, value] of Object.entries(recipe.secrets)) secrets.secrets.set(id, value);
        await putSourceConfig(dynamodb, TABLE, sourceId, recipe.settings);
        prefixes.set(sourceId, recipe.settings.target.prefix);
      }
      const s = recipe ? undefined : source?.settings;
      const settings = s && demoSettings(s, saas.url);
      if (s && !settings)
        throw new Error(
          `${sourceId}: the demo API has no generic endpoint for pagination "${s.pagination.type}"; point request.url at one of the README recipes' paths to run it locally`,
        );
      if (s && settings) {
        if (s.auth.type !== "none") secrets.secrets.set(s.auth.secretId, token);
        await putSourceConfig(dynamodb, TABLE, sourceId, settings);
        prefixes.set(sourceId, settings.target.prefix);
      }
    }
    // After the environment points at the local servers: the handler reads it when loaded.
    const { handler } =
      require("../functions/saas-ingest/handler") as typeof import("../functions/saas-ingest/handler");
    for (const sourceId of ids) {
      const summary = await handler(
        { sourceId, ...(opts["run-date"] ? { runDate: opts["run-date"] } : {}) },
        { getRemainingTimeInMillis: () => 900_000, awsRequestId: "local" },
      );
      console.log(`\n${sourceId} summary:`, JSON.stringify(summary, null, 2));
    }
    const keys = await listKeys(s3, BUCKET);
    console.log(`\nobjects in s3://${BUCKET}:`);
    for (const k of keys) console.log(`  ${k}`);
    for (const sourceId of ids) {
      const prefix = `${prefixes.get(sourceId)}/`;
      const first = keys.find((k) => k.startsWith(prefix) && k.endsWith(".jsonl.gz"));
      if (first) {
        const lines = gunzipSync(await getBytes(s3, BUCKET, first))
          .toString()
          .split("\n")
          .slice(0, 2);
        console.log(`\nfirst records of ${first}:\n  ${lines.join("\n  ")}`);
      }
      console.log(
        `\n${sourceId} state item:`,
        JSON.stringify(await getSourceState(dynamodb, TABLE, sourceId)),
      );
    }
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
