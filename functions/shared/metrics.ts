/**
 * Run metrics for pipeline functions: one `RunMetric` per run, published to CloudWatch (EMF
 * through Powertools Metrics, namespace/service/dimensions chosen by the function) and, when
 * configured, to Timestream (one multi-measure record; names snake_cased: `sourceId` ->
 * `source_id`, `durationMs` -> `duration_ms`).
 *
 *   const sink = new FanOutMetricsSink([
 *     new EmfMetricsSink({ namespace: "DataPlatform/Curate", serviceName: "curate" }),
 *     new TimestreamMetricsSink("db", "pipeline_runs"),
 *   ]);
 *   await sink.publish({ runId, status: "succeeded", dimensions: { tableId }, measures: { rows: 10 } });
 */

import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { TimestreamWriteClient, WriteRecordsCommand } from "@aws-sdk/client-timestream-write";
import { COMMON_ENV, RUN_METRICS } from "./contracts";

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export interface RunMetric {
  runId: string;
  status: "succeeded" | "failed";
  /** Dimension name -> value, e.g. `{ sourceId: "orders" }` (kept low-cardinality: no run ids). */
  dimensions: Record<string, string>;
  /** Measure name -> value; the unit is `units[name]` or Count. */
  measures: Record<string, number>;
  /** Units of measures that are not counts, e.g. `{ bytes: "Bytes", durationMs: "Milliseconds" }`. */
  units?: Record<string, Unit>;
}

export interface RunMetricsSink {
  publish(m: RunMetric): Promise<void>;
}

export interface EmfOptions {
  namespace: string;
  serviceName: string;
  /** Injected Metrics (tests). @default a new Metrics with namespace and serviceName */
  metrics?: Metrics;
}

/** One EMF document per run: every measure, plus `runSucceeded` or `runFailed` = 1; `runId` as metadata. */
export class EmfMetricsSink implements RunMetricsSink {
  private readonly metrics: Metrics;
  constructor(o: EmfOptions) {
    this.metrics = o.metrics ?? new Metrics({ namespace: o.namespace, serviceName: o.serviceName });
  }

  async publish(m: RunMetric): Promise<void> {
    const metrics = this.metrics;
    for (const [k, v] of Object.entries(m.dimensions)) metrics.addDimension(k, v);
    for (const [k, v] of Object.entries(m.measures))
      metrics.addMetric(k, m.units?.[k] ?? MetricUnit.Count, v);
    metrics.addMetric(
      m.status === "succeeded" ? RUN_METRICS.succeeded : RUN_METRICS.failed,
      MetricUnit.Count,
      1,
    );
    metrics.addMetadata("runId", m.runId);
    metrics.publishStoredMetrics();
  }
}

export const snakeCase = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

/** One multi-measure record per run (`MeasureName` "run"): dimensions + status, measures as BIGINT, run_id. */
export class TimestreamMetricsSink implements RunMetricsSink {
  constructor(
    private readonly database: string,
    private readonly table: string,
    private readonly client: TimestreamWriteClient = new TimestreamWriteClient({}),
    private readonly now: () => number = Date.now,
  ) {}

  async publish(m: RunMetric): Promise<void> {
    await this.client.send(
      new WriteRecordsCommand({
        DatabaseName: this.database,
        TableName: this.table,
        CommonAttributes: {
          Dimensions: [
            ...Object.entries(m.dimensions).map(([k, v]) => ({ Name: snakeCase(k), Value: v })),
            { Name: "status", Value: m.status },
          ],
          Time: String(this.now()),
          TimeUnit: "MILLISECONDS",
        },
        Records: [
          {
            MeasureName: "run",
            MeasureValueType: "MULTI",
            MeasureValues: [
              ...Object.entries(m.measures).map(([k, v]) => ({
                Name: snakeCase(k),
                Value: String(Math.round(v)),
                Type: "BIGINT" as const,
              })),
              { Name: "run_id", Value: m.runId, Type: "VARCHAR" as const },
            ],
          },
        ],
      }),
    );
  }
}

/** Publishes to every sink; one sink failing does not stop the others (the first error is rethrown). */
export class FanOutMetricsSink implements RunMetricsSink {
  constructor(private readonly sinks: RunMetricsSink[]) {}
  async publish(m: RunMetric): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map((s) => s.publish(m)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}

/** Builds the usual sinks from the environment: EMF always, Timestream when both names are set. */
export function metricsSinksFromEnv(o: EmfOptions, env: NodeJS.ProcessEnv = process.env): FanOutMetricsSink {
  const sinks: RunMetricsSink[] = [new EmfMetricsSink(o)];
  const database = env[COMMON_ENV.timestreamDatabase];
  const table = env[COMMON_ENV.timestreamTable];
  if (database && table) sinks.push(new TimestreamMetricsSink(database, table));
  return new FanOutMetricsSink(sinks);
}
