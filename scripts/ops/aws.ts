/**
 * The ops commands against a real environment, with the caller's AWS credentials (the default
 * credential chain: profile, SSO, env). Names come from the same naming functions the stacks use.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { documentClient } from "../../functions/shared/dynamodb";
import { curateName, ingestFunctionName, reconcileFunctionName, settingsTableName } from "../../stacks/names";
import { type AlarmStates, type Invoker, type OpsBackend, type RunRecord, SdkHistory } from "./backend";
import { type BatchEntry, type BatchKind, OpsError } from "./catalog";

export interface EnvironmentNames {
  env: string;
  prefix: string;
  accountId: string;
  region: string;
}

/** The deployed names of one environment (the stacks derive them the same way). */
export function environmentNames(n: EnvironmentNames) {
  const base = `${n.prefix}-${n.env}`;
  return {
    settingsTable: settingsTableName(n.prefix, n.env),
    rawBucket: `${base}-${n.accountId}-raw`,
    functionOf: {
      source: ingestFunctionName(n.prefix, n.env),
      transform: curateName(n.prefix, n.env),
      check: reconcileFunctionName(n.prefix, n.env),
    } as Record<BatchKind, string>,
    payloadOf: (e: BatchEntry, runDate: string | undefined, backfill: boolean): Record<string, unknown> =>
      e.kind === "source"
        ? { sourceId: e.id, runDate, ...(backfill ? { backfill: true } : {}) }
        : e.kind === "transform"
          ? { transform: e.id, runDate }
          : { checkId: e.id, runDate },
    alarmPrefix: base,
  };
}

export function openAwsBackend(n: EnvironmentNames, sourcePrefix: (id: string) => string): OpsBackend {
  const names = environmentNames(n);
  const lambda = new LambdaClient({ region: n.region });
  const invoker: Invoker = {
    async invoke(entry, runDate, { wait, backfill }): Promise<RunRecord> {
      const fn = names.functionOf[entry.kind];
      let r: InvokeCommandOutput;
      try {
        r = await lambda.send(
          new InvokeCommand({
            FunctionName: fn,
            InvocationType: wait ? "RequestResponse" : "Event",
            Payload: Buffer.from(JSON.stringify(names.payloadOf(entry, runDate, backfill))),
          }),
        );
      } catch (e) {
        throw new OpsError(
          `${entry.kind} "${entry.id}" in ${n.env}: invoking ${fn} failed: ${(e as Error).message}`,
        );
      }
      if (!wait) return { id: entry.id, kind: entry.kind, runDate, status: "running" };
      const body = r.Payload ? JSON.parse(Buffer.from(r.Payload).toString("utf8") || "null") : null;
      if (r.FunctionError) {
        return {
          id: entry.id,
          kind: entry.kind,
          runDate,
          status: "failed",
          error: `${body?.errorType ?? r.FunctionError}: ${body?.errorMessage ?? ""}`,
        };
      }
      return {
        id: entry.id,
        kind: entry.kind,
        runDate: body?.runDate ?? runDate,
        status: body?.status === "failed" ? "failed" : "succeeded",
        runId: body?.runId,
        records: body?.records ?? body?.rowsWritten,
        durationMs: body?.durationMs,
        error: body?.error,
      };
    },
  };
  const cloudwatch = new CloudWatchClient({ region: n.region });
  const alarms: AlarmStates = {
    async forEntry(entry) {
      const out: Record<string, string> = {};
      let token: string | undefined;
      do {
        const r = await cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNamePrefix: names.alarmPrefix, NextToken: token }),
        );
        for (const a of r.MetricAlarms ?? []) {
          const fn = names.functionOf[entry.kind];
          const dims =
            a.Dimensions ?? a.Metrics?.flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? []) ?? [];
          const watches =
            dims.some((d) => d.Value === entry.id) ||
            (dims.some((d) => d.Value === fn) && !a.AlarmName?.includes("missed-run"));
          if (watches && a.AlarmName) out[a.AlarmName] = a.StateValue ?? "?";
        }
        token = r.NextToken;
      } while (token);
      return out;
    },
  };
  return {
    where: `${n.env} (${n.accountId}, ${n.region})`,
    invoker,
    history: new SdkHistory(
      new S3Client({ region: n.region }),
      names.rawBucket,
      documentClient(new DynamoDBClient({ region: n.region })),
      names.settingsTable,
      sourcePrefix,
    ),
    alarms,
    async close() {},
  };
}
