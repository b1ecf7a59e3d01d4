/**
 * `npm run curate:local -- <transform> --date YYYY-MM-DD [--json] [--records N] [--fresh]`
 *
 * Runs a transform through the real curate runner (the state machine's ASL interpreted locally,
 * the real Lambda steps, the DynamoDB run store on dynalite) with DuckDB standing in for Athena
 * over the raw files in a local S3 (s3rver). Ingests the demo data for that date first when the
 * raw bucket has none, and runs the transform's upstream transforms first (in dependency order).
 * State (raw objects, curated tables) persists under .local/curate/ (or CURATE_LOCAL_DIR) between
 * runs; --fresh wipes it.
 * `--json` prints one object: { transform, runDate, status, rowsWritten, rowsInTable, checks, ... }.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { topoOrder } from "../functions/curate/core/graph";
import type { RunRecord } from "../functions/curate/core/ports";
import { type Cli, cliArgs, type Flags, refuse } from "./lib/args";

// The arguments (and the transform's name, against the configuration) are checked before DuckDB,
// the AWS SDK and the local servers load (main()): a typo or --help answers at once.
let loaded: ReturnType<typeof import("../config/curate").loadCurateConfig> | undefined;
/** The validated sources and transforms, loaded on first use (not for a usage error). */
function config() {
  loaded ??= (require("../config/curate") as typeof import("../config/curate")).loadCurateConfig();
  return loaded;
}
const BUCKET = "local-raw";
const TABLE = "local-settings";

const CLI = {
  command: "npm run curate:local --",
  // A getter: the configuration loads only when --help prints it.
  get summary() {
    return `Runs a transform through the real curate runner against local stand-ins (transforms: ${config()
      .transforms.map((t) => t.id)
      .join(", ")}).`;
  },
  flags: {
    date: { type: "string", description: "run date (default today, UTC)", placeholder: "YYYY-MM-DD" },
    json: { type: "boolean", description: "print one JSON object" },
    records: {
      type: "number",
      description: "demo records to ingest when the raw bucket has none",
      default: 2500,
      min: 1,
      integer: true,
    },
    fresh: { type: "boolean", description: "wipe the local state (.local/curate/) first" },
  },
  positionals: { name: "transform", description: "the transform to run", min: 1, max: 1 },
} as const satisfies Cli<Flags>;

async function args(argv: string[]) {
  const { values, positionals } = cliArgs(CLI, argv);
  const transform = positionals[0];
  const { transforms } = config();
  const known = transforms.map((t) => t.id).join(", ");
  if (!transforms.some((t) => t.id === transform))
    refuse(CLI, `unknown transform "${transform}" (config/transforms.ts has: ${known})`);
  let runDate: string;
  try {
    const { validRunDate } =
      require("../functions/curate/core/plan") as typeof import("../functions/curate/core/plan");
    runDate = validRunDate(values.date ?? new Date().toISOString().slice(0, 10), "--date");
  } catch (e) {
    refuse(CLI, (e as Error).message);
  }
  return { transform, runDate, json: values.json, records: values.records, fresh: values.fresh };
}

/** The transform and every transform upstream of it, in dependency order. */
function withUpstream(id: string) {
  const { transforms } = config();
  const byId = new Map(transforms.map((t) => [t.id, t]));
  const need = new Set<string>();
  const visit = (x: string) => {
    if (need.has(x) || !byId.has(x)) return;
    need.add(x);
    for (const d of byId.get(x)!.dependsOn) visit(d);
  };
  visit(id);
  const chain = topoOrder(transforms.filter((t) => need.has(t.id)));
  const sourceIds = [...new Set(chain.flatMap((t) => t.dependsOn).filter((d) => !byId.has(d)))];
  return { chain, sourceIds };
}

async function ingestDemo(
  { listKeys, putSourceConfig }: typeof import("../functions/shared/dev/local"),
  endpoints: { s3: string; dynamodb: string },
  sourceIds: string[],
  runDate: string,
  total: number,
  say: (s: string) => void,
) {
  const { sources } = config();
  const missing: string[] = [];
  for (const id of sourceIds) {
    const prefix = sources.find((s) => s.id === id)!.settings.target.prefix;
    const keys = await listKeys(endpoints.s3, BUCKET, `${prefix}/dt=${runDate}/`);
    if (!keys.some((k) => k.endsWith(".jsonl.gz"))) missing.push(id);
  }
  if (missing.length === 0) return;
  const { demoSettings } =
    require("../functions/saas-ingest/dev/demo-settings") as typeof import("../functions/saas-ingest/dev/demo-settings");
  const { DEMO_TOKEN, startDemoStandIns } =
    require("../functions/saas-ingest/dev/stand-ins") as typeof import("../functions/saas-ingest/dev/stand-ins");
  const token = DEMO_TOKEN;
  const demo = await startDemoStandIns({
    total,
    pageSize: 500,
    token,
    ...endpoints,
    table: TABLE,
    bucket: BUCKET,
  });
  const { saas, secrets } = demo;
  try {
    Object.assign(process.env, demo.env);
    const { handler } =
      require("../functions/saas-ingest/handler") as typeof import("../functions/saas-ingest/handler");
    for (const id of missing) {
      const s = sources.find((x) => x.id === id)!.settings;
      if (s.auth.type !== "none") secrets.secrets.set(s.auth.secretId, token);
      const local = demoSettings(s, saas.url);
      if (!local)
        throw new Error(`${id}: the demo API has no generic endpoint for pagination "${s.pagination.type}"`);
      await putSourceConfig(endpoints.dynamodb, TABLE, id, local);
      const r = await handler(
        { sourceId: id, runDate },
        { getRemainingTimeInMillis: () => 900_000, awsRequestId: "local" },
      );
      say(`ingested demo data: ${id} ${runDate}: ${r.records} records`);
    }
  } finally {
    await demo.stop();
  }
}

/**
 * Runs the command line `argv` and returns the exit code (1: the transform did not succeed).
 * `out` gets what it prints (default stdout); `workDir` replaces CURATE_LOCAL_DIR. A usage error
 * exits the process (exit 2).
 */
export async function main(
  argv: string[],
  o: { out?: (line: string) => void; workDir?: string } = {},
): Promise<number> {
  const print = o.out ?? ((line: string) => console.log(line));
  const a = await args(argv);
  const { sources, transforms } = config();
  const { LOCAL_DATABASES } =
    require("../functions/curate/dev/fixtures") as typeof import("../functions/curate/dev/fixtures");
  const { openLocalCurate } =
    require("../functions/curate/dev/local") as typeof import("../functions/curate/dev/local");
  const shared = require("../functions/shared/dev/local") as typeof import("../functions/shared/dev/local");
  const { startServers } = require("./lib/local-servers") as typeof import("./lib/local-servers");
  const say = (s: string) => {
    if (!a.json) print(s);
  };
  process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
  const workDir = o.workDir ?? process.env.CURATE_LOCAL_DIR ?? resolve(__dirname, "..", ".local", "curate");
  if (a.fresh) rmSync(workDir, { recursive: true, force: true });
  mkdirSync(join(workDir, "s3"), { recursive: true });
  const fresh = !existsSync(join(workDir, "curated.duckdb"));
  const servers = await startServers([BUCKET], join(workDir, "s3"));
  const { chain, sourceIds } = withUpstream(a.transform);
  let local: Awaited<ReturnType<typeof openLocalCurate>> | undefined;
  try {
    await shared.createSettingsTable(servers.endpoints.dynamodb, TABLE);
    await ingestDemo(shared, servers.endpoints, sourceIds, a.runDate, a.records, say);
    local = await openLocalCurate({
      ...servers.endpoints,
      table: TABLE,
      rawBucket: BUCKET,
      workDir,
      sources: sources.map((s) => ({
        id: s.id,
        prefix: s.settings.target.prefix,
        columns: s.columns,
      })),
      transforms,
    });
    say(`state: ${workDir}${fresh ? " (new)" : ""}`);
    const upstream: Array<{ transform: string; status: string }> = [];
    let record: RunRecord | undefined;
    for (const t of chain) {
      const started = Date.now();
      await local.run({ transform: t.id, runDate: a.runDate }).catch(() => undefined);
      record = await local.store.getRun(t.id, a.runDate);
      say(
        `${t.id} ${a.runDate}: ${record?.status ?? "not run"} in ${Date.now() - started} ms${record?.error ? ` (${record.error})` : ""}`,
      );
      if (t.id !== a.transform) upstream.push({ transform: t.id, status: record?.status ?? "not run" });
    }
    const target = transforms.find((t) => t.id === a.transform)!;
    const [{ n }] = await local.engine.rows(
      `SELECT count(*) AS n FROM "${LOCAL_DATABASES.curated}"."${target.table}"`,
    );
    const out = {
      transform: a.transform,
      runDate: a.runDate,
      status: record?.status ?? "not run",
      rowsWritten: record?.status === "succeeded" ? (record.rowsWritten ?? 0) : 0,
      rowsInTable: Number(n),
      checks: (record?.checks ?? []).map((c) => ({
        name: c.name,
        passed: c.passed,
        badRows: c.badRows,
        ...(c.column ? { column: c.column } : {}),
      })),
      ...(record?.error ? { error: record.error } : {}),
      runId: record?.runId,
      durationMs: record?.durationMs,
      queryExecutionIds: record?.queryExecutionIds ?? [],
      upstream,
    };
    if (a.json) print(JSON.stringify(out));
    else {
      print(`\n${target.table}: ${out.rowsWritten} row(s) written, ${out.rowsInTable} in the table`);
      for (const c of out.checks)
        print(`  ${c.passed ? "ok  " : "FAIL"} ${c.name}${c.passed ? "" : `: ${c.badRows} bad row(s)`}`);
    }
    return out.status === "succeeded" ? 0 : 1;
  } finally {
    local?.close();
    await servers.close();
  }
}

if (require.main === module)
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 2;
    },
  );
