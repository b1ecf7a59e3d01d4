import { Testing } from "cdktf";
import { environments } from "../../config/environments";
import { loadEnvironments } from "../../config/load";
import type { EnvironmentConfig } from "../../config/schema";
import { AwsStack } from "../../stacks/aws-stack";
import { type Synthesized, synthesize } from "../../test/helpers/stack";
import { ebsThresholds, isBurstable } from "./performance";

const envs = loadEnvironments(structuredClone(environments));
function synthEnv(name: string, patch?: (e: EnvironmentConfig) => void): Synthesized {
  const env = structuredClone(envs.find((e) => e.name === name)!);
  env.aws.ingest.enabled = false;
  patch?.(env);
  return synthesize(new AwsStack(Testing.app(), `dp-aws-${name}`, { env, sources: [] }));
}
const alarms = (s: Synthesized): Record<string, any> =>
  Object.fromEntries(Object.values(s.of("aws_cloudwatch_metric_alarm")).map((a) => [a.alarm_name, a]));
/** The CloudWatch agent config the user data writes (un-escaping Terraform's `$${`). */
const cwConfig = (s: Synthesized) => {
  const ud: string = s.one("aws_instance").user_data;
  const body = /<<'CWCONFIG'\n([\s\S]*?)\nCWCONFIG/.exec(ud)?.[1];
  if (!body) throw new Error("no CloudWatch agent config in user data");
  return JSON.parse(body.replace(/\$\$\{/g, "${"));
};
const query = (alarm: any, id: string) => alarm.metric_query.find((q: any) => q.id === id);

describe("Secure Agent host performance monitoring", () => {
  const prod = synthEnv("prod"); // data: 6000 IOPS / 500 MiB/s, root: 4000 / 250
  const dev = synthEnv("dev"); // gp3 baseline: 3000 IOPS / 125 MiB/s
  const p = alarms(prod);

  it("derives IOPS alarms from the provisioned IOPS of each volume (read + write ops per second)", () => {
    const data = p["dp-prod-iics-agent-ebs-data-iops"];
    expect(data.threshold).toBe(5400);
    expect(data).toMatchObject({
      comparison_operator: "GreaterThanOrEqualToThreshold",
      evaluation_periods: 10,
    });
    expect(query(data, "e1")).toMatchObject({ expression: "(m1+m2)/PERIOD(m1)", return_data: true });
    expect(query(data, "m1").metric).toMatchObject({
      namespace: "AWS/EBS",
      metric_name: "VolumeReadOps",
      stat: "Sum",
      period: 60,
      dimensions: { VolumeId: expect.stringMatching(/^\$\{aws_ebs_volume\..*\.id\}$/) },
    });
    expect(query(data, "m2").metric.metric_name).toBe("VolumeWriteOps");
    expect(p["dp-prod-iics-agent-ebs-root-iops"].threshold).toBe(3600);
    expect(query(p["dp-prod-iics-agent-ebs-root-iops"], "m1").metric.dimensions.VolumeId).toMatch(
      /^\$\{aws_instance\..*\.root_block_device\[0\]\.volume_id\}$/,
    );
    expect(alarms(dev)["dp-dev-iics-agent-ebs-data-iops"].threshold).toBe(2700);
  });

  it("derives throughput alarms from the provisioned MiB/s (bytes per second / 2^20)", () => {
    const data = p["dp-prod-iics-agent-ebs-data-throughput"];
    expect(data.threshold).toBe(450);
    expect(query(data, "e1").expression).toBe("(m1+m2)/PERIOD(m1)/1048576");
    expect([query(data, "m1").metric.metric_name, query(data, "m2").metric.metric_name]).toEqual([
      "VolumeReadBytes",
      "VolumeWriteBytes",
    ]);
    expect(alarms(dev)["dp-dev-iics-agent-ebs-data-throughput"].threshold).toBe(112);
  });

  it("alarms on a queue twice as deep as the provisioned IOPS need at 1 ms", () => {
    expect(p["dp-prod-iics-agent-ebs-data-queue"]).toMatchObject({
      metric_name: "VolumeQueueLength",
      statistic: "Average",
      threshold: 12,
    });
    expect(alarms(dev)["dp-dev-iics-agent-ebs-data-queue"].threshold).toBe(6);
  });

  it("moves every threshold when the volume is resized in config, and honours the utilization percent", () => {
    const s = alarms(
      synthEnv("dev", (e) => {
        e.aws.agentHost.dataVolume = { sizeGiB: 100, iops: 8000, throughputMiBps: 600 };
        e.aws.agentHost.ebsAlarmUtilizationPercent = 80;
      }),
    );
    expect(s["dp-dev-iics-agent-ebs-data-iops"].threshold).toBe(6400);
    expect(s["dp-dev-iics-agent-ebs-data-throughput"].threshold).toBe(480);
    expect(s["dp-dev-iics-agent-ebs-data-queue"].threshold).toBe(16);
    expect(s["dp-dev-iics-agent-ebs-root-iops"].threshold).toBe(2400);
  });

  it("watches only metrics the CloudWatch agent is configured to publish, with matching dimensions", () => {
    const cfg = cwConfig(prod);
    const collected = cfg.metrics.metrics_collected;
    const published = new Set<string>([
      ...collected.cpu.measurement,
      ...collected.mem.measurement,
      ...collected.swap.measurement,
      ...collected.disk.measurement.map((m: string) => `disk_${m}`),
      ...collected.processes.measurement.map((m: string) => `processes_${m}`),
      ...collected.diskio.measurement.map((m: string) => `diskio_${m}`),
      ...collected.procstat.flatMap((ps: any) =>
        ps.measurement.map((m: string) =>
          m === "pid_count" ? "procstat_lookup_pid_count" : `procstat_${m}`,
        ),
      ),
    ]);
    const cwAgentAlarms = Object.values(p).filter((a: any) => a.namespace === "CWAgent");
    expect(cwAgentAlarms.length).toBeGreaterThanOrEqual(5);
    for (const a of cwAgentAlarms)
      expect({ alarm: a.alarm_name, published: published.has(a.metric_name) }).toEqual({
        alarm: a.alarm_name,
        published: true,
      });
    // Every alarm's dimension set is one the agent aggregates to.
    const aggregations = cfg.metrics.aggregation_dimensions.map((d: string[]) => [...d].sort().join(","));
    for (const a of cwAgentAlarms) expect(aggregations).toContain(Object.keys(a.dimensions).sort().join(","));
    const down = p["dp-prod-iics-agent-secure-agent-down"];
    expect(collected.procstat.map((ps: any) => ps.pattern)).toContain(down.dimensions.pattern);
    expect(down).toMatchObject({
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
    });
  });

  it("collects disk I/O, memory, swap, steal and process counts, and the Secure Agent's processes", () => {
    const c = cwConfig(prod).metrics.metrics_collected;
    expect(c.diskio.measurement).toEqual(
      expect.arrayContaining(["reads", "writes", "read_bytes", "write_bytes", "io_time"]),
    );
    expect(c.swap.measurement).toContain("swap_used_percent");
    expect(c.cpu.measurement).toContain("cpu_usage_steal");
    expect(c.processes.measurement).toEqual(expect.arrayContaining(["running", "blocked", "total"]));
    expect(c.procstat.map((ps: any) => ps.pattern)).toEqual(["agentcore/infaagent", "/opt/infaagent/apps/"]);
  });

  it("draws IOPS and throughput against the provisioned lines on the dashboard", () => {
    const widgets = JSON.parse(prod.one("aws_cloudwatch_dashboard").dashboard_body).widgets;
    const byTitle = (t: string) => widgets.find((w: any) => w.properties.title.startsWith(t))?.properties;
    const iops = byTitle("EBS data: IOPS");
    expect(iops.annotations.horizontal).toEqual([
      expect.objectContaining({ value: 6000, label: "provisioned" }),
      expect.objectContaining({ value: 5400 }),
    ]);
    expect(iops.metrics[0]).toEqual({ expression: "(m1+m2)/PERIOD(m1)", label: "IOPS", id: "e1" });
    expect(byTitle("EBS data: throughput").annotations.horizontal[0].value).toBe(500);
    expect(byTitle("EBS queue length")).toBeDefined();
    expect(byTitle("Secure Agent processes (count")).toBeDefined();
    // Widgets never overlap: each sits in its own cell of the 2-column grid.
    const cells = widgets.map((w: any) => `${w.x},${w.y}`);
    expect(new Set(cells).size).toBe(cells.length);
  });

  it("adds CPU credit alarms only for burstable instance types", () => {
    expect(Object.keys(p).some((n) => n.endsWith("cpu-surplus-credits"))).toBe(false);
    const t3 = alarms(
      synthEnv("dev", (e) => {
        e.aws.agentHost.instanceType = "t3.large";
      }),
    );
    expect(t3["dp-dev-iics-agent-cpu-surplus-credits"]).toMatchObject({
      metric_name: "CPUSurplusCreditBalance",
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
    });
    expect([isBurstable("t4g.medium"), isBurstable("m6i.large"), isBurstable("c7gd.xlarge")]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("keeps thresholds sane at gp3's limits", () => {
    expect(ebsThresholds({ iops: 3000, throughputMiBps: 125 })).toEqual({
      iops: 2700,
      throughputMiBps: 112,
      queueLength: 6,
    });
    expect(ebsThresholds({ iops: 16000, throughputMiBps: 1000 }, 100)).toEqual({
      iops: 16000,
      throughputMiBps: 1000,
      queueLength: 32,
    });
  });

  it("every alarm notifies the topic", () => {
    expect(Object.values(p).every((a: any) => a.alarm_actions[0].includes("aws_sns_topic"))).toBe(true);
  });
});
