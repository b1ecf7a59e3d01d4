/**
 * `npm run reconcile:local -- [--date YYYY-MM-DD] [--json] [--scenario equal|short|double|stale|auth]`
 *
 * Runs the real reconcile handler for the checks of config/bigquery.ts against local stand-ins:
 * s3rver + dynalite (results, reports), the curate function's DuckDB Athena stand-in over local
 * raw files for the Athena side (demo rows are written for the date), and the local BigQuery REST stand-in with the keyless STS and
 * impersonation flow, reached through the client's apiEndpoint. `--scenario` makes BigQuery
 * short, doubled, stale, or refuses the STS exchange. `--json` prints
 * `{ runDate, checks: [{ id, athenaRows, bigqueryRows, difference, stale, passed }] }`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { isRunDate } from "../functions/bq-reconcile/core/run-date";
import type { StandInTable } from "../functions/bq-reconcile/dev/bigquery-standin";
import { type Cli, cliArgs, type Flags, refuse } from "./lib/args";

// The arguments are checked before the configuration, DuckDB and the AWS SDK load (main()):
// a typo or --help answers at once.
const SCENARIOS = ["equal", "short", "double", "stale", "auth"] as const;
type Scenario = (typeof SCENARIOS)[number];

const CLI = {
  command: "npm run reconcile:local --",
  summary: "Runs the real reconcile handler for config/bigquery.ts's checks against local stand-ins.",
  flags: {
    date: { type: "string", description: "run date (default yesterday, UTC)", placeholder: "YYYY-MM-DD" },
    json: { type: "boolean", description: "print { runDate, checks } as JSON" },
    scenario: {
      type: "string",
      description: "what the BigQuery stand-in does",
      default: "equal",
      choices: SCENARIOS,
    },
  },
} as const satisfies Cli<Flags>;

function args() {
  const { values } = cliArgs(CLI);
  const runDate = values.date ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  if (!isRunDate(runDate)) refuse(CLI, `--date: must be YYYY-MM-DD (got ${JSON.stringify(runDate)})`);
  return { runDate, json: values.json, scenario: values.scenario as Scenario };
}

async function main() {
  const { runDate, json, scenario } = args();
  const { loadAppConfig } = require("../config") as typeof import("../config");
  const { resolveChecks } = require("../config/bigquery-load") as typeof import("../config/bigquery-load");
  const { sources } = require("../config/sources") as typeof import("../config/sources");
  const { localAthenaCounter } =
    require("../functions/bq-reconcile/dev/athena-engine") as typeof import("../functions/bq-reconcile/dev/athena-engine");
  const { startBigQueryStandIn } =
    require("../functions/bq-reconcile/dev/bigquery-standin") as typeof import("../functions/bq-reconcile/dev/bigquery-standin");
  const { LOCAL_AUDIENCE, LOCAL_BUCKET, LOCAL_PROJECT, LOCAL_SA, localHandler, prepareLocal } =
    require("../functions/bq-reconcile/dev/local-run") as typeof import("../functions/bq-reconcile/dev/local-run");
  const { startServers } = require("./lib/local-servers") as typeof import("./lib/local-servers");
  const { withCleanup } = require("./lib/cleanup") as typeof import("./lib/cleanup");
  const { bigquery } = loadAppConfig({}).lists;
  const checks = resolveChecks(bigquery, {
    glueDatabasePrefix: "dp_local",
    projectId: LOCAL_PROJECT,
    datasetIds: { staging: "iics_staging", dwh: "dwh", mart: "mart" },
  });
  // Everything this run starts or writes is stopped and removed at exit, passed, failed or stopped.
  await withCleanup(async (cleanup) => {
    const rawRoot = mkdtempSync(join(tmpdir(), "reconcile-local-"));
    cleanup(() => rmSync(rawRoot, { recursive: true, force: true }));
    const servers = await startServers([LOCAL_BUCKET], join(rawRoot, "_s3"));
    cleanup(() => servers.close());
    const standIn = await startBigQueryStandIn({
      tables: {},
      audience: LOCAL_AUDIENCE,
      serviceAccountEmail: LOCAL_SA,
    });
    cleanup(() => standIn.close());
    const prefixes = Object.fromEntries(sources.entries.map((s) => [s.id, s.settings.target.prefix]));
    const now = Date.now();
    checks.forEach((c, i) => {
      // Demo rows for the date on the Athena side (raw files, as ingestion publishes them).
      const rows = 100 + 20 * i;
      const dir = join(
        rawRoot,
        prefixes[c.athena.table] ?? c.athena.table,
        `${c.athena.dateColumn}=${runDate}`,
      );
      mkdirSync(dir, { recursive: true });
      const body = Array.from({ length: rows }, (_, n) => JSON.stringify({ id: `r${n}` })).join("\n");
      writeFileSync(join(dir, "part-local-00000.jsonl.gz"), gzipSync(`${body}\n`));
      const bqRows = { equal: rows, short: rows - 7, double: rows * 2, stale: rows, auth: rows }[scenario];
      const table: StandInTable = {
        rowsByDate: { [runDate]: bqRows },
        partitionColumn: c.bigquery.dateColumn,
        lastModified: new Date(now - (scenario === "stale" ? c.freshnessHours + 5 : 1) * 3_600_000),
      };
      standIn.options.tables[`${c.bigquery.projectId}.${c.bigquery.datasetId}.${c.bigquery.table}`] = table;
    });
    standIn.options.faults = { sts: scenario === "auth" };
    // The Athena side on the curate function's DuckDB Athena stand-in (raw tables as views).
    const athena = await localAthenaCounter(
      { raw: "dp_local_raw", curated: "dp_local_curated" },
      sources.entries.map((s) => ({
        id: s.id,
        columns: s.columns,
        dir: join(rawRoot, s.settings.target.prefix),
      })),
    );
    cleanup(athena.close);
    const setup = {
      athena: athena.counter,
      ...servers.endpoints,
      dynamodb: servers.endpoints.dynamodb,
      standIn,
      rawRoot,
      prefixes,
      checks,
    };
    await prepareLocal(setup);
    const summary = await localHandler({
      ...setup,
      maximumBytesBilled: bigquery.reconcile.maximumBytesBilled,
    })({ runDate });
    const out = {
      runDate: summary.runDate,
      checks: summary.checks.map((c) => ({
        id: c.id,
        athenaRows: c.athenaRows ?? null,
        bigqueryRows: c.bigqueryRows ?? null,
        difference: c.difference ?? null,
        stale: c.stale ?? null,
        passed: c.passed,
        ...(c.reasons.length ? { reasons: c.reasons } : {}),
        ...(c.error ? { error: c.error.message } : {}),
      })),
    };
    if (json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else {
      console.log(
        `reconcile ${out.runDate} (scenario ${scenario}); report s3://${LOCAL_BUCKET}/${summary.reportKey}`,
      );
      for (const c of out.checks)
        console.log(
          `  ${c.passed ? "PASS" : "FAIL"} ${c.id}: athena ${c.athenaRows ?? "-"} bigquery ${c.bigqueryRows ?? "-"} difference ${c.difference ?? "-"} stale ${c.stale ?? "-"}${c.reasons ? ` (${c.reasons.join(", ")})` : ""}${c.error ? `\n       ${c.error}` : ""}`,
        );
    }
    if (!summary.passed) process.exitCode = 2;
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
