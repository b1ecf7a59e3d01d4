import { Metrics } from "@aws-lambda-powertools/metrics";
import type { TimestreamWriteClient } from "@aws-sdk/client-timestream-write";
import { captureEmf } from "../../test/helpers/emf";
import { EmfMetricsSink, FanOutMetricsSink, type RunMetric, TimestreamMetricsSink } from "./metrics";

const run: RunMetric = {
  runId: "r1",
  status: "succeeded",
  dimensions: { sourceId: "orders" },
  measures: { records: 10, pages: 2, bytes: 300, files: 1, retries: 1, durationMs: 42 },
  units: { bytes: "Bytes", durationMs: "Milliseconds" },
};

describe("shared metrics sinks", () => {
  it("publishes one EMF document per run with the given namespace and dimensions", async () => {
    const [emf] = await captureEmf(() =>
      new EmfMetricsSink({
        namespace: "Test",
        serviceName: "svc",
        metrics: new Metrics({ namespace: "Test", serviceName: "svc" }),
      }).publish(run),
    );
    expect(emf).toMatchObject({ sourceId: "orders", records: 10, retries: 1, runSucceeded: 1, runId: "r1" });
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe("Test");
    expect(emf._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(["sourceId"]));
    const units = Object.fromEntries(emf._aws.CloudWatchMetrics[0].Metrics.map((m: any) => [m.Name, m.Unit]));
    expect(units).toMatchObject({ bytes: "Bytes", durationMs: "Milliseconds", records: "Count" });
  });

  it("writes one multi-measure Timestream record per run, names snake_cased (the client is faked: no local Timestream)", async () => {
    const sent: any[] = [];
    const client = {
      send: async (cmd: { input: unknown }) => sent.push(cmd.input),
    } as unknown as TimestreamWriteClient;
    await new FanOutMetricsSink([new TimestreamMetricsSink("db", "runs", client, () => 5)]).publish(run);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      DatabaseName: "db",
      TableName: "runs",
      CommonAttributes: {
        Dimensions: [
          { Name: "source_id", Value: "orders" },
          { Name: "status", Value: "succeeded" },
        ],
        Time: "5",
      },
    });
    const values = Object.fromEntries(sent[0].Records[0].MeasureValues.map((m: any) => [m.Name, m.Value]));
    expect(values).toEqual({
      records: "10",
      pages: "2",
      bytes: "300",
      files: "1",
      retries: "1",
      duration_ms: "42",
      run_id: "r1",
    });
  });

  it("fan-out publishes to every sink even when one fails, then reports the failure", async () => {
    const got: string[] = [];
    const sink = new FanOutMetricsSink([
      { publish: async () => Promise.reject(new Error("down")) },
      { publish: async (m) => void got.push(m.runId) },
    ]);
    await expect(sink.publish(run)).rejects.toThrow("down");
    expect(got).toEqual(["r1"]);
  });
});
