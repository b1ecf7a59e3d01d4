import { Metrics } from "@aws-lambda-powertools/metrics";
import type { TimestreamWriteClient } from "@aws-sdk/client-timestream-write";
import type { RunMetrics } from "../core/ports";
import { EmfMetricsSink, FanOutMetricsSink, TimestreamMetricsSink } from "./metrics";

const run: RunMetrics = {
  sourceId: "orders",
  runId: "r1",
  status: "succeeded",
  records: 10,
  pages: 2,
  bytes: 300,
  files: 1,
  retries: 1,
  durationMs: 42,
};

describe("metrics adapters", () => {
  it("publishes one EMF document per run with the source as dimension", async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const previous = process.env.POWERTOOLS_METRICS_DISABLED;
    process.env.POWERTOOLS_METRICS_DISABLED = "false";
    try {
      await new EmfMetricsSink(new Metrics({ namespace: "Test", serviceName: "saas-ingest" })).publish(run);
    } finally {
      spy.mockRestore();
      process.env.POWERTOOLS_METRICS_DISABLED = previous;
    }
    const emf = JSON.parse(lines.find((l) => l.includes("_aws"))!);
    expect(emf).toMatchObject({ sourceId: "orders", records: 10, retries: 1, runSucceeded: 1, runId: "r1" });
    expect(emf._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(["sourceId"]));
  });

  it("writes one multi-measure Timestream record per run (no local Timestream exists: the client is faked)", async () => {
    const sent: any[] = [];
    const client = {
      send: async (cmd: { input: unknown }) => sent.push(cmd.input),
    } as unknown as TimestreamWriteClient;
    await new FanOutMetricsSink([new TimestreamMetricsSink("db", "runs", client)]).publish(run);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      DatabaseName: "db",
      TableName: "runs",
      CommonAttributes: {
        Dimensions: [
          { Name: "source_id", Value: "orders" },
          { Name: "status", Value: "succeeded" },
        ],
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
});
