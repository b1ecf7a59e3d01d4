/**
 * The curate runner on local stand-ins: the state machine's ASL (local interpreter) calling the
 * real steps (steps.ts) with the real DynamoDB store on dynalite, and the DuckDB Athena stand-in
 * over local copies of the raw objects in s3rver (synced before each query, as Athena would read
 * them). What `npm run curate:local`, its tests and the benchmark run.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { curateDefinition } from "../../../modules/curate/definition";
import { ddbClient, putItem, s3Client } from "../../shared/dev/local";
import { DynamoDbItems } from "../../shared/dynamodb";
import type { Log } from "../../shared/logger";
import { DynamoDbCurateStore } from "../adapters/dynamodb-store";
import type { CurateMetricsSink, CurateRunMetrics } from "../core/ports";
import type { TransformSpec } from "../core/spec";
import { duckdbDialect } from "../core/statements";
import { type StepDeps, step } from "../steps";
import { DuckDbAthena } from "./duckdb-athena";
import { LOCAL_DATABASES } from "./fixtures";
import { runStateMachine } from "./state-machine";

export interface LocalCurateOptions {
  s3: string;
  dynamodb: string;
  table: string;
  rawBucket: string;
  /** Holds the raw copies (`raw/`) and the DuckDB file (`curated.duckdb`). */
  workDir: string;
  sources: ReadonlyArray<{
    id: string;
    prefix: string;
    columns: ReadonlyArray<{ name: string; type: string }>;
  }>;
  transforms: TransformSpec[];
  threads?: number;
  log?: Log;
}

const FUNCTION_ARN = "arn:aws:lambda:local:000000000000:function:curate";

export class RecordingMetrics implements CurateMetricsSink {
  readonly published: CurateRunMetrics[] = [];
  async publish(m: CurateRunMetrics) {
    this.published.push(m);
  }
}

/** Copies new or changed objects under each source prefix from the raw bucket to `dir`. */
export async function syncRaw(
  s3Endpoint: string,
  bucket: string,
  prefixes: readonly string[],
  dir: string,
): Promise<number> {
  const s3 = s3Client(s3Endpoint);
  let copied = 0;
  for (const prefix of prefixes) {
    let token: string | undefined;
    do {
      const r = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) {
        const name = o.Key!.split("/").pop()!;
        if (name.startsWith("_") || name.startsWith(".")) continue;
        const file = join(dir, o.Key!);
        let size = -1;
        try {
          size = statSync(file).size;
        } catch {
          // not copied yet
        }
        if (size === o.Size) continue;
        const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, Buffer.from(await body.Body!.transformToByteArray()));
        copied++;
      }
      token = r.NextContinuationToken;
    } while (token);
  }
  return copied;
}

export interface LocalCurate {
  /** Runs one execution of the state machine with `input` (an event or `{ transform, runDate }`). */
  run(input: unknown): Promise<unknown>;
  engine: DuckDbAthena;
  store: DynamoDbCurateStore;
  metrics: RecordingMetrics;
  deps: StepDeps;
  close(): void;
}

export async function openLocalCurate(o: LocalCurateOptions): Promise<LocalCurate> {
  // What Terraform does in AWS: one settings item per transform.
  for (const t of o.transforms)
    await putItem(o.dynamodb, o.table, { ...t, pk: `transform#${t.id}`, sk: "config" });
  const rawDir = join(o.workDir, "raw");
  mkdirSync(rawDir, { recursive: true });
  const engine = await DuckDbAthena.open({
    databases: LOCAL_DATABASES,
    rawTables: o.sources.map((s) => ({ id: s.id, columns: s.columns, dir: join(rawDir, s.prefix) })),
    curatedTables: o.transforms.map((t) => ({ table: t.table, columns: t.target.columns })),
    path: join(o.workDir, "curated.duckdb"),
    threads: o.threads,
    beforeQuery: async () => {
      await syncRaw(
        o.s3,
        o.rawBucket,
        o.sources.map((s) => s.prefix),
        rawDir,
      );
    },
  });
  const store = new DynamoDbCurateStore(new DynamoDbItems(o.table, ddbClient(o.dynamodb)));
  const metrics = new RecordingMetrics();
  const definition = curateDefinition({
    functionArn: FUNCTION_ARN,
    workgroup: "local",
    curatedDatabase: LOCAL_DATABASES.curated,
    queryTimeoutSeconds: 3600,
  }) as { StartAt: string; States: Record<string, { Type: string }> };
  const deps: StepDeps = {
    graph: o.transforms.map((t) => ({ id: t.id, dependsOn: t.dependsOn })),
    store,
    results: engine,
    metrics,
    log: o.log,
    dialect: duckdbDialect,
    databases: LOCAL_DATABASES,
    usdPerTb: 5,
    now: Date.now,
    startExecution: async () => {
      throw new Error("locally, run({ transform, runDate }) starts the execution");
    },
  };
  const run = (input: unknown) =>
    runStateMachine(definition, input, { functionArn: FUNCTION_ARN, invoke: (p) => step(p, deps), engine });
  return { run, engine, store, metrics, deps, close: () => engine.close() };
}
