/** Run metrics to CloudWatch (EMF through Powertools Metrics) and, when configured, Timestream. */

import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { TimestreamWriteClient, WriteRecordsCommand } from "@aws-sdk/client-timestream-write";
import type { MetricsSink, RunMetrics } from "../core/ports";

export class EmfMetricsSink implements MetricsSink {
  constructor(
    private readonly metrics = new Metrics({ namespace: "DataPlatform/Ingest", serviceName: "saas-ingest" }),
  ) {}

  async publish(m: RunMetrics): Promise<void> {
    const metrics = this.metrics;
    metrics.addDimension("sourceId", m.sourceId);
    metrics.addMetric("records", MetricUnit.Count, m.records);
    metrics.addMetric("pages", MetricUnit.Count, m.pages);
    metrics.addMetric("bytes", MetricUnit.Bytes, m.bytes);
    metrics.addMetric("files", MetricUnit.Count, m.files);
    metrics.addMetric("retries", MetricUnit.Count, m.retries);
    metrics.addMetric("durationMs", MetricUnit.Milliseconds, m.durationMs);
    metrics.addMetric(m.status === "succeeded" ? "runSucceeded" : "runFailed", MetricUnit.Count, 1);
    metrics.addMetadata("runId", m.runId);
    metrics.publishStoredMetrics();
  }
}

export class TimestreamMetricsSink implements MetricsSink {
  constructor(
    private readonly database: string,
    private readonly table: string,
    private readonly client: TimestreamWriteClient = new TimestreamWriteClient({}),
  ) {}

  async publish(m: RunMetrics): Promise<void> {
    const measures: Array<[string, number]> = [
      ["records", m.records],
      ["pages", m.pages],
      ["bytes", m.bytes],
      ["files", m.files],
      ["retries", m.retries],
      ["duration_ms", m.durationMs],
    ];
    await this.client.send(
      new WriteRecordsCommand({
        DatabaseName: this.database,
        TableName: this.table,
        CommonAttributes: {
          Dimensions: [
            { Name: "source_id", Value: m.sourceId },
            { Name: "status", Value: m.status },
          ],
          Time: String(Date.now()),
          TimeUnit: "MILLISECONDS",
        },
        Records: [
          {
            MeasureName: "run",
            MeasureValueType: "MULTI",
            MeasureValues: [
              ...measures.map(([Name, v]) => ({ Name, Value: String(v), Type: "BIGINT" as const })),
              { Name: "run_id", Value: m.runId, Type: "VARCHAR" as const },
            ],
          },
        ],
      }),
    );
  }
}

export class FanOutMetricsSink implements MetricsSink {
  constructor(private readonly sinks: MetricsSink[]) {}
  async publish(m: RunMetrics): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.publish(m)));
  }
}
