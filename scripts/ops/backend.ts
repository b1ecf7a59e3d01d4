/**
 * What the ops commands need from an environment, and one implementation over the AWS SDK that
 * serves both a real account and the local stand-ins (only endpoints and the invoker differ).
 *
 * Run history: a source's runs are its manifests in the raw bucket (`<prefix>/dt=<date>/
 * _manifest-<runId>.json`: only a published run has one); a transform's and a check's are their run
 * records in the settings table (`pk = transform#<id>` / `reconcile#<id>`, `sk = run#<date>`).
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { BatchEntry, BatchKind } from "./catalog";

export type RunStatus = "succeeded" | "failed" | "running" | "skipped" | "unknown";

export interface RunRecord {
  id: string;
  kind: BatchKind;
  /** The run date; undefined only for a run started without one (the function picks it). */
  runDate?: string;
  status: RunStatus;
  runId?: string;
  /** Records ingested, or rows written. */
  records?: number;
  durationMs?: number;
  finishedAt?: string;
  error?: string;
}

/** Starts one run. `wait`: returns its summary; otherwise returns once the run was accepted. */
export interface Invoker {
  invoke(
    entry: BatchEntry,
    runDate: string | undefined,
    options: { wait: boolean; backfill: boolean },
  ): Promise<RunRecord>;
}

export interface History {
  runs(entry: BatchEntry, limit: number): Promise<RunRecord[]>;
  /** Dates (of `dates`) with a succeeded run. */
  succeededDates(entry: BatchEntry, dates: string[]): Promise<Set<string>>;
}

export interface AlarmStates {
  /** Alarm name -> state (OK, ALARM, INSUFFICIENT_DATA) of the alarms that watch `entry`. */
  forEntry(entry: BatchEntry): Promise<Record<string, string>>;
}

export interface OpsBackend {
  /** Where this backend points: `dev (111111111111, ap-northeast-1)` or `local stand-ins`. */
  where: string;
  invoker: Invoker;
  history: History;
  alarms?: AlarmStates;
  close(): Promise<void>;
}

export const RECORD_PREFIX: Record<Exclude<BatchKind, "source">, string> = {
  transform: "transform#",
  check: "reconcile#",
};

/** Reads run history from the raw bucket and the settings table. */
export class SdkHistory implements History {
  constructor(
    private readonly s3: S3Client,
    private readonly rawBucket: string,
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    /** Raw prefix of each source (`saas/demo_orders`). */
    private readonly sourcePrefix: (id: string) => string,
  ) {}

  private async manifestKeys(entry: BatchEntry): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.rawBucket,
          Prefix: `${this.sourcePrefix(entry.id)}/dt=`,
          ContinuationToken: token,
        }),
      );
      for (const o of r.Contents ?? []) if (o.Key && /\/_manifest-[^/]+\.json$/.test(o.Key)) keys.push(o.Key);
      token = r.NextContinuationToken;
    } while (token);
    return keys.sort().reverse();
  }

  private async records(entry: BatchEntry, limit: number): Promise<RunRecord[]> {
    const prefix = RECORD_PREFIX[entry.kind as Exclude<BatchKind, "source">];
    const r = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :run)",
        ExpressionAttributeValues: { ":pk": `${prefix}${entry.id}`, ":run": "run#" },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (r.Items ?? []).map((i) => ({
      id: entry.id,
      kind: entry.kind,
      runDate: String(i.runDate ?? String(i.sk).slice(4)),
      status: (["succeeded", "failed", "running", "skipped"].includes(String(i.status))
        ? i.status
        : "unknown") as RunStatus,
      runId: i.runId as string | undefined,
      records: (i.rowsWritten ?? i.records ?? i.athenaRows) as number | undefined,
      durationMs: i.durationMs as number | undefined,
      finishedAt: i.finishedAt as string | undefined,
      error: i.error as string | undefined,
    }));
  }

  async runs(entry: BatchEntry, limit: number): Promise<RunRecord[]> {
    if (entry.kind !== "source") return this.records(entry, limit);
    const keys = (await this.manifestKeys(entry)).slice(0, limit);
    return Promise.all(
      keys.map(async (key) => {
        const r = await this.s3.send(new GetObjectCommand({ Bucket: this.rawBucket, Key: key }));
        const m = JSON.parse(
          await (r.Body as { transformToString(): Promise<string> }).transformToString(),
        ) as Record<string, unknown>;
        return {
          id: entry.id,
          kind: entry.kind,
          runDate: String(m.runDate),
          status: "succeeded" as const,
          runId: String(m.runId),
          records: Number(m.records),
          finishedAt: m.createdAt as string | undefined,
        };
      }),
    );
  }

  async succeededDates(entry: BatchEntry, dates: string[]): Promise<Set<string>> {
    const wanted = new Set(dates);
    if (entry.kind === "source") {
      const done = (await this.manifestKeys(entry)).map((k) => /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(k)?.[1]);
      return new Set(done.filter((d): d is string => !!d && wanted.has(d)));
    }
    const all = await this.records(entry, 5000);
    return new Set(
      all.flatMap((r) => (r.status === "succeeded" && r.runDate && wanted.has(r.runDate) ? [r.runDate] : [])),
    );
  }
}
