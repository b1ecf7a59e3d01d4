/**
 * Lambda entry of the curate runner: the steps of the state machine (see steps.ts), and manual
 * runs (`{ transform, runDate }` starts an execution). Environment: CONFIG_TABLE_NAME,
 * CURATE_GRAPH (JSON [{ id, dependsOn }]), RAW_DATABASE, CURATED_DATABASE, CURATED_BUCKET,
 * STATE_MACHINE_ARN, USD_PER_TB_SCANNED; optional TIMESTREAM_DATABASE_NAME + TIMESTREAM_TABLE_NAME.
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { COMMON_ENV, CURATE_ENV } from "../shared/contracts";
import { DynamoDbItems } from "../shared/dynamodb";
import { requiredEnv } from "../shared/env";
import { EnvironmentError } from "../shared/errors";
import { createLogger } from "../shared/logger";
import { metricsSinksFromEnv } from "../shared/metrics";
import { AthenaQueryResults } from "./adapters/athena";
import { DynamoDbCurateStore } from "./adapters/dynamodb-store";
import { CURATE_METRICS_NAMESPACE, CURATE_SERVICE, CurateMetrics } from "./adapters/metrics";
import type { GraphNode } from "./core/graph";
import { athenaDialect } from "./core/statements";
import { type StepDeps, step } from "./steps";

const { logger, log } = createLogger({ serviceName: CURATE_SERVICE });
let deps: StepDeps | undefined;

function graphFromEnv(): GraphNode[] {
  const raw = requiredEnv(CURATE_ENV.graph);
  try {
    const g = JSON.parse(raw);
    if (!Array.isArray(g)) throw new Error("not an array");
    return g;
  } catch (e) {
    throw new EnvironmentError(
      `environment ${CURATE_ENV.graph}: must be a JSON array of { id, dependsOn } (${(e as Error).message})`,
    );
  }
}

function build(): StepDeps {
  const usdPerTb = Number(process.env[CURATE_ENV.usdPerTbScanned] ?? "5");
  if (!Number.isFinite(usdPerTb) || usdPerTb < 0)
    throw new EnvironmentError(
      `environment ${CURATE_ENV.usdPerTbScanned}: must be a number >= 0 (got "${process.env[CURATE_ENV.usdPerTbScanned]}")`,
    );
  const sfn = new SFNClient({});
  const stateMachineArn = requiredEnv(CURATE_ENV.stateMachineArn);
  let currentRun = "";
  return {
    graph: graphFromEnv(),
    store: new DynamoDbCurateStore(
      new DynamoDbItems(requiredEnv(COMMON_ENV.configTable), new DynamoDBClient({})),
    ),
    results: new AthenaQueryResults(new AthenaClient({})),
    metrics: new CurateMetrics(
      metricsSinksFromEnv({ namespace: CURATE_METRICS_NAMESPACE, serviceName: CURATE_SERVICE }),
      () => currentRun,
    ),
    log,
    dialect: athenaDialect(requiredEnv(CURATE_ENV.curatedBucket)),
    databases: { raw: requiredEnv(CURATE_ENV.rawDatabase), curated: requiredEnv(CURATE_ENV.curatedDatabase) },
    usdPerTb,
    now: Date.now,
    startExecution: async (input) => {
      const name = `manual-${input.transform}-${input.runDate}-${Date.now()}`.slice(0, 80);
      const r = await sfn.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      currentRun = r.executionArn ?? "";
      return r.executionArn ?? "";
    },
  };
}

export async function handler(event: unknown, context?: { awsRequestId?: string }): Promise<unknown> {
  deps ??= build();
  const e = event as { action?: string; cursor?: { transform?: string; runDate?: string } };
  logger.appendKeys({ action: e?.action ?? "manual", requestId: context?.awsRequestId });
  return step(event, deps);
}
