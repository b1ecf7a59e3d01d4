/**
 * `--local`: the ops commands against the local stand-ins, with the REAL function code.
 *
 * The local world lives in a folder (default `.ops-local/`, git-ignored) so that one command sees
 * what the previous one did: s3rver keeps the raw bucket's files there, and the settings table
 * (dynalite, in memory) is saved to `dynamodb.json` when a command ends and restored when the next
 * starts. Sources run against the bundled demo SaaS API (same pagination style as configured) and a
 * Secrets Manager stub.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { demoSettings } from "../../functions/saas-ingest/dev/demo-settings";
import { DEMO_TOKEN, type DemoStandIns, startDemoStandIns } from "../../functions/saas-ingest/dev/stand-ins";
import {
  createSettingsTable,
  ddbClient,
  putItem,
  putSourceConfig,
  s3Client,
} from "../../functions/shared/dev/local";
import { documentClient } from "../../functions/shared/dynamodb";
import { startChildServer } from "../lib/child-server";
import type { LocalEndpoints } from "../lib/local-servers";
import { type Invoker, type OpsBackend, type RunRecord, SdkHistory } from "./backend";
import { type BatchEntry, configuredSources, OpsError } from "./catalog";

export const LOCAL_BUCKET = "local-raw";
export const LOCAL_TABLE = "local-settings";

export interface LocalOptions {
  dir: string;
  /** Records the demo API serves per source. @default 500 */
  records?: number;
  /**
   * Starts local S3 (files in `s3Dir`, bucket `bucket`) and DynamoDB (empty); `stop` ends them.
   * @default a child process running scripts/lib/local-servers.js (plain node, no TypeScript
   * loader; stopping it also ends the function's keep-alive sockets)
   */
  servers?: LocalServers;
}

export type LocalServers = (
  bucket: string,
  s3Dir: string,
) => Promise<{ info: Pick<LocalEndpoints, "s3" | "dynamodb">; stop: () => Promise<void> }>;

const childServers: LocalServers = (bucket, s3Dir) =>
  startChildServer<LocalEndpoints>(
    "scripts/lib/local-servers.js",
    ["--bucket", bucket, "--dir", s3Dir],
    join(__dirname, "..", ".."),
  );

export async function openLocalBackend(o: LocalOptions): Promise<OpsBackend> {
  mkdirSync(join(o.dir, "s3"), { recursive: true });
  const servers = await (o.servers ?? childServers)(LOCAL_BUCKET, join(o.dir, "s3"));
  const { s3, dynamodb } = servers.info;
  const ddb = documentClient(ddbClient(dynamodb));
  await createSettingsTable(dynamodb, LOCAL_TABLE);
  const snapshot = join(o.dir, "dynamodb.json");
  if (existsSync(snapshot)) {
    for (const item of JSON.parse(readFileSync(snapshot, "utf8")) as Record<string, unknown>[]) {
      await putItem(dynamodb, LOCAL_TABLE, item as { pk: string; sk: string });
    }
  }
  const token = DEMO_TOKEN;
  let demo: DemoStandIns | undefined;
  const sources = configuredSources();

  const started = async () => {
    if (demo) return demo;
    demo = await startDemoStandIns({
      total: o.records ?? 500,
      pageSize: 100,
      token,
      s3,
      dynamodb,
      table: LOCAL_TABLE,
      bucket: LOCAL_BUCKET,
      // The function's own JSON logs stay quiet: ops prints the outcome (set it to see them).
      extra: { POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "SILENT" },
    });
    Object.assign(process.env, demo.env);
    return demo;
  };

  const runSource = async (entry: BatchEntry, runDate: string | undefined): Promise<RunRecord> => {
    const source = sources.find((x) => x.id === entry.id);
    if (!source) throw new OpsError(`source "${entry.id}" is not in config/sources.ts`);
    const { saas, secrets } = await started();
    const s = source.settings;
    if (s.auth?.secretId)
      secrets.secrets.set(
        s.auth.secretId,
        s.auth.type === "basic" ? JSON.stringify({ username: "u", password: token }) : token,
      );
    const local = demoSettings(s, saas.url);
    if (!local) throw new OpsError(`the local demo API does not serve pagination "${s.pagination?.type}"`);
    await putSourceConfig(dynamodb, LOCAL_TABLE, entry.id, local);
    const { handler } =
      require("../../functions/saas-ingest/handler") as typeof import("../../functions/saas-ingest/handler");
    const startedAt = Date.now();
    try {
      const r = await handler(
        { sourceId: entry.id, runDate },
        { getRemainingTimeInMillis: () => 900_000, awsRequestId: "ops-local" },
      );
      return {
        id: entry.id,
        kind: "source",
        runDate: r.runDate,
        status: "succeeded",
        runId: r.runId,
        records: r.records,
        durationMs: r.durationMs,
      };
    } catch (e) {
      return {
        id: entry.id,
        kind: "source",
        runDate,
        status: "failed",
        durationMs: Date.now() - startedAt,
        error: (e as Error).message,
      };
    }
  };

  // Transforms: the real curate runner (its state machine interpreted locally) on DuckDB.
  let curate: import("../../functions/curate/dev/local").LocalCurate | undefined;
  const runTransform = async (entry: BatchEntry, runDate: string | undefined): Promise<RunRecord> => {
    if (!runDate) throw new OpsError(`transform "${entry.id}": --date is required`);
    await started();
    if (!curate) {
      const { openLocalCurate } =
        require("../../functions/curate/dev/local") as typeof import("../../functions/curate/dev/local");
      const { transforms } = (
        require("../../config/curate") as typeof import("../../config/curate")
      ).loadCurateConfig();
      curate = await openLocalCurate({
        s3,
        dynamodb,
        table: LOCAL_TABLE,
        rawBucket: LOCAL_BUCKET,
        workDir: o.dir,
        sources: sources.map((x) => ({
          id: x.id,
          prefix: String(x.settings.target.prefix),
          columns: x.columns ?? [],
        })),
        transforms,
      });
    }
    await curate.run({ transform: entry.id, runDate }).catch(() => undefined);
    const r = await curate.store.getRun(entry.id, runDate);
    if (!r)
      return {
        id: entry.id,
        kind: "transform",
        runDate,
        status: "failed",
        error: "the runner recorded no run",
      };
    return {
      id: entry.id,
      kind: "transform",
      runDate,
      status: r.status === "succeeded" ? "succeeded" : r.status === "running" ? "running" : "failed",
      runId: r.runId,
      records: r.rowsWritten,
      durationMs: r.durationMs,
      error: r.error ?? (r.status === "skipped" ? "skipped: inputs not published for this date" : undefined),
    };
  };

  const invoker: Invoker = {
    async invoke(entry: BatchEntry, runDate: string | undefined): Promise<RunRecord> {
      if (entry.kind === "source") return runSource(entry, runDate);
      if (entry.kind === "transform") return runTransform(entry, runDate);
      throw new OpsError(`check "${entry.id}": run reconciliation locally with npm run reconcile:local`);
    },
  };

  return {
    where: `local stand-ins (${o.dir})`,
    invoker,
    history: new SdkHistory(s3Client(s3), LOCAL_BUCKET, ddb, LOCAL_TABLE, (id) => {
      const src = sources.find((x) => x.id === id);
      return String(src?.settings.target?.prefix ?? id);
    }),
    async close() {
      try {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const r = await ddb.send(new ScanCommand({ TableName: LOCAL_TABLE, ExclusiveStartKey: start }));
          items.push(...(r.Items ?? []));
          start = r.LastEvaluatedKey;
        } while (start);
        writeFileSync(snapshot, `${JSON.stringify(items)}\n`);
      } finally {
        curate?.close();
        await Promise.all([servers.stop(), demo?.stop()]);
      }
    },
  };
}
