/** Ingestion run metrics -> the shared sinks (EMF namespace `DataPlatform/Ingest`, dimension `sourceId`). */

import { INGEST_METRICS } from "../../shared/contracts";
import { FanOutMetricsSink, metricsSinksFromEnv, type RunMetricsSink } from "../../shared/metrics";
import type { MetricsSink, RunMetrics } from "../core/ports";

export const INGEST_METRICS_NAMESPACE = INGEST_METRICS.namespace;
export const INGEST_SERVICE_NAME = INGEST_METRICS.service;

export class IngestMetricsSink implements MetricsSink {
  constructor(
    private readonly sink: RunMetricsSink = metricsSinksFromEnv({
      namespace: INGEST_METRICS_NAMESPACE,
      serviceName: INGEST_SERVICE_NAME,
    }),
  ) {}

  publish(m: RunMetrics): Promise<void> {
    return this.sink.publish({
      runId: m.runId,
      status: m.status,
      dimensions: { [INGEST_METRICS.sourceDimension]: m.sourceId },
      measures: {
        records: m.records,
        pages: m.pages,
        bytes: m.bytes,
        files: m.files,
        retries: m.retries,
        durationMs: m.durationMs,
      },
      units: { bytes: "Bytes", durationMs: "Milliseconds" },
    });
  }
}

export { FanOutMetricsSink };
