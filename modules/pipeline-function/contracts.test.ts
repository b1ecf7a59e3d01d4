/**
 * The naming contracts hold on both sides: each Lambda of the synthesized AWS stack sets every
 * variable its handler requires (functions/shared/contracts.ts, read by the handlers), and every
 * alarm on a pipeline namespace reads a metric the functions emit, with the dimensions they emit.
 */
import { Metrics } from "@aws-lambda-powertools/metrics";
import {
  COMMON_ENV,
  CURATE_METRICS,
  INGEST_METRICS,
  RECONCILE_METRICS,
  REQUIRED_ENV,
  RUN_METRICS,
} from "../../functions/shared/contracts";
import { EmfMetricsSink } from "../../functions/shared/metrics";
import { captureEmf } from "../../test/helpers/emf";
import { sharedSynth, stackJson } from "../../test/helpers/synth";

const json = stackJson(sharedSynth().outdir, "dp-aws-dev");
const lambdas = Object.values<any>(json.resource.aws_lambda_function);
const alarms = Object.values<any>(json.resource.aws_cloudwatch_metric_alarm);

/** What each function emits (namespace -> metric names and the dimension keys besides `service`). */
const EMITTED: Record<string, { service: string; metrics: string[]; dimension: string }> = {
  [INGEST_METRICS.namespace]: {
    service: INGEST_METRICS.service,
    metrics: Object.values(RUN_METRICS),
    dimension: INGEST_METRICS.sourceDimension,
  },
  [CURATE_METRICS.namespace]: {
    service: CURATE_METRICS.service,
    metrics: Object.values(RUN_METRICS),
    dimension: CURATE_METRICS.transformDimension,
  },
  [RECONCILE_METRICS.namespace]: {
    service: RECONCILE_METRICS.service,
    metrics: [...Object.values(RUN_METRICS), RECONCILE_METRICS.checkFailed, RECONCILE_METRICS.stale],
    dimension: RECONCILE_METRICS.checkDimension,
  },
};

describe("naming contracts between functions and modules", () => {
  it.each(Object.entries(REQUIRED_ENV))(
    "the %s Lambda sets every variable its handler requires",
    (fn, required) => {
      const byService = lambdas.find(
        (l) => l.environment.variables[COMMON_ENV.serviceName] === serviceOf(fn),
      );
      expect(byService).toBeDefined();
      const missing = required.filter((v) => !(v in byService.environment.variables));
      expect(missing).toEqual([]);
    },
  );

  it("every alarm on a pipeline namespace reads a metric and dimensions its function emits", () => {
    const pipelineAlarms = alarms.filter((a) => String(a.namespace ?? "").startsWith("DataPlatform/"));
    expect(pipelineAlarms.length).toBeGreaterThan(5);
    for (const a of pipelineAlarms) {
      const emitted = EMITTED[a.namespace];
      expect({ alarm: a.alarm_name, known: emitted !== undefined }).toEqual({
        alarm: a.alarm_name,
        known: true,
      });
      expect(emitted.metrics).toContain(a.metric_name);
      expect(Object.keys(a.dimensions).sort()).toEqual([emitted.dimension, "service"].sort());
      expect(a.dimensions.service).toBe(emitted.service);
    }
  });

  it("the shared sink emits the run metrics under the contract's names", async () => {
    const docs = await captureEmf(async () => {
      const sink = new EmfMetricsSink({
        namespace: INGEST_METRICS.namespace,
        serviceName: INGEST_METRICS.service,
        metrics: new Metrics({ namespace: INGEST_METRICS.namespace, serviceName: INGEST_METRICS.service }),
      });
      await sink.publish({ runId: "r", status: "succeeded", dimensions: { sourceId: "a" }, measures: {} });
      await sink.publish({ runId: "r", status: "failed", dimensions: { sourceId: "a" }, measures: {} });
    });
    const names = docs.flatMap((d) =>
      d._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name),
    );
    expect(names).toEqual([RUN_METRICS.succeeded, RUN_METRICS.failed]);
  });
});

function serviceOf(fn: string): string {
  return {
    ingest: INGEST_METRICS.service,
    curate: CURATE_METRICS.service,
    reconcile: RECONCILE_METRICS.service,
  }[fn] as string;
}
