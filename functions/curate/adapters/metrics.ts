/** Curate run metrics through the shared sinks: namespace DataPlatform/Curate, dimension `transform`. */

import { CURATE_METRICS } from "../../shared/contracts";
import type { RunMetricsSink } from "../../shared/metrics";
import type { CurateMetricsSink, CurateRunMetrics } from "../core/ports";

export const CURATE_METRICS_NAMESPACE = CURATE_METRICS.namespace;
export const CURATE_SERVICE = CURATE_METRICS.service;

export class CurateMetrics implements CurateMetricsSink {
  constructor(
    private readonly sink: RunMetricsSink,
    private readonly runId: () => string = () => "",
  ) {}

  async publish(m: CurateRunMetrics): Promise<void> {
    await this.sink.publish({
      runId: this.runId(),
      status: m.status,
      dimensions: { [CURATE_METRICS.transformDimension]: m.transform },
      measures: {
        rowsWritten: m.rowsWritten,
        bytesScanned: m.bytesScanned,
        costMicroUsd: Math.round(m.costUsd * 1e6),
        durationMs: m.durationMs,
        checksFailed: m.checksFailed,
      },
      units: { bytesScanned: "Bytes", durationMs: "Milliseconds" },
    });
  }
}
