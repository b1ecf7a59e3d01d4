/**
 * EC2/EBS performance monitoring of the Secure Agent host: alarms and dashboard widgets that
 * compare what the volumes do with what they are provisioned for, so load tuning starts from
 * numbers (is the data volume at its IOPS or throughput ceiling, is I/O queueing, is the
 * instance starved of CPU or memory, is the Secure Agent running at all).
 *
 * Thresholds come from the volume config, never typed twice:
 *
 * | alarm                      | metric                                                   | threshold (default)                  |
 * |----------------------------|----------------------------------------------------------|--------------------------------------|
 * | ebs-<vol>-iops             | (VolumeReadOps + VolumeWriteOps) / period                | utilization% × provisioned IOPS      |
 * | ebs-<vol>-throughput       | (VolumeReadBytes + VolumeWriteBytes) / period / 2^20     | utilization% × provisioned MiB/s     |
 * | ebs-<vol>-queue            | VolumeQueueLength (average)                              | 2 × IOPS × 1 ms (Little's law)       |
 * | instance-ebs-burst         | EBSIOBalance% / EBSByteBalance% (min)                    | < 20 % (only sizes that burst)       |
 * | cpu-steal                  | CWAgent cpu_usage_steal                                  | ≥ 10 % for 15 min                    |
 * | swap                       | CWAgent swap_used_percent                                | ≥ 25 % for 10 min                    |
 * | secure-agent-down          | CWAgent procstat_lookup_pid_count (agent core pattern)   | < 1 for 5 min, missing = breaching   |
 * | cpu-surplus-credits        | CPUSurplusCreditBalance (burstable types only)           | > 0 for 15 min (paid bursting)       |
 *
 * IOPS and throughput alarms need the level held for 10 of 10 one-minute periods, so a burst
 * (a mapping's sort spill) does not page anyone, but a volume pinned at its ceiling does.
 */
import type { Construct } from "constructs";
import { type AlarmTarget, metricAlarm } from "../monitoring";
import { CW_METRICS } from "./cloudwatch-agent";
import { CW_AGENT_NAMESPACE } from "./perms";

export interface MonitoredVolume {
  /** Short label used in alarm names and titles (`root`, `data`). */
  readonly label: string;
  /** Volume id (a token at synth). */
  readonly volumeId: string;
  readonly iops: number;
  readonly throughputMiBps: number;
}

export interface HostPerformanceProps {
  /** Name prefix (`<prefix>-<env>`). */
  readonly name: string;
  readonly instanceId: string;
  readonly instanceType: string;
  readonly volumes: MonitoredVolume[];
  /** procstat pattern of the Secure Agent core process (its count must stay ≥ 1). */
  readonly agentCorePattern: string;
  /** All procstat patterns collected (graphed). */
  readonly processPatterns: readonly string[];
  /** Percent of provisioned IOPS / throughput at which the EBS alarms fire. @default 90 */
  readonly utilizationPercent?: number;
}

/** Alarm thresholds of one gp3 volume at `utilizationPercent` of what it is provisioned for. */
export function ebsThresholds(v: { iops: number; throughputMiBps: number }, utilizationPercent = 90) {
  return {
    iops: Math.floor((v.iops * utilizationPercent) / 100),
    throughputMiBps: Math.floor((v.throughputMiBps * utilizationPercent) / 100),
    // Little's law: outstanding I/Os = IOPS × latency. At the provisioned IOPS and ~1 ms (gp3's
    // typical latency) the queue holds IOPS/1000; twice that, sustained, means latency has doubled.
    queueLength: Math.max(2, Math.round((2 * v.iops) / 1000)),
  };
}

/** Burstable instance families (T2/T3/T3a/T4g …) earn and spend CPU credits. */
export const isBurstable = (instanceType: string) => /^t\d[a-z]*\./.test(instanceType);

const EBS = "AWS/EBS";

/** Alarms in `scope` (the host construct) notifying `m`'s topic, and graphs on `m`'s dashboard. */
export function addHostPerformanceMonitoring(
  scope: Construct,
  m: AlarmTarget,
  p: HostPerformanceProps,
): void {
  const alarm = (id: string, props: Parameters<typeof metricAlarm>[3]) => metricAlarm(scope, id, m, props);
  const pct = p.utilizationPercent ?? 90;
  const host = `${p.name}-iics-agent`;
  const notify = { treatMissingData: "notBreaching" };
  const ebsMetric = (id: string, metricName: string, volumeId: string, stat: string) => ({
    id,
    metric: { namespace: EBS, metricName, dimensions: { VolumeId: volumeId }, period: 60, stat },
    returnData: false,
  });

  for (const v of p.volumes) {
    const t = ebsThresholds(v, pct);
    alarm(`ebs-${v.label}-iops`, {
      alarmName: `${host}-ebs-${v.label}-iops`,
      alarmDescription: `${v.label} volume at ≥ ${pct}% of its ${v.iops} provisioned IOPS for 10 minutes: raise iops in config (agentHost.${v.label}Volume.iops)`,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: t.iops,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      ...notify,
      metricQuery: [
        ebsMetric("m1", "VolumeReadOps", v.volumeId, "Sum"),
        ebsMetric("m2", "VolumeWriteOps", v.volumeId, "Sum"),
        { id: "e1", expression: "(m1+m2)/PERIOD(m1)", label: `${v.label} IOPS`, returnData: true },
      ],
    });
    alarm(`ebs-${v.label}-throughput`, {
      alarmName: `${host}-ebs-${v.label}-throughput`,
      alarmDescription: `${v.label} volume at ≥ ${pct}% of its ${v.throughputMiBps} MiB/s provisioned throughput for 10 minutes: raise throughputMiBps in config (agentHost.${v.label}Volume.throughputMiBps)`,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: t.throughputMiBps,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      ...notify,
      metricQuery: [
        ebsMetric("m1", "VolumeReadBytes", v.volumeId, "Sum"),
        ebsMetric("m2", "VolumeWriteBytes", v.volumeId, "Sum"),
        { id: "e1", expression: "(m1+m2)/PERIOD(m1)/1048576", label: `${v.label} MiB/s`, returnData: true },
      ],
    });
    alarm(`ebs-${v.label}-queue`, {
      alarmName: `${host}-ebs-${v.label}-queue`,
      alarmDescription: `${v.label} volume queue length ≥ ${t.queueLength} (2 × IOPS × 1 ms) for 10 minutes: I/O is waiting on the volume`,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      namespace: EBS,
      metricName: "VolumeQueueLength",
      dimensions: { VolumeId: v.volumeId },
      statistic: "Average",
      period: 60,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      threshold: t.queueLength,
      ...notify,
    });

    const ops = [
      { expression: "(m1+m2)/PERIOD(m1)", label: "IOPS", id: "e1" },
      [EBS, "VolumeReadOps", "VolumeId", v.volumeId, { id: "m1", visible: false }],
      [EBS, "VolumeWriteOps", "VolumeId", v.volumeId, { id: "m2", visible: false }],
    ];
    m.addWidget(`EBS ${v.label}: IOPS vs provisioned ${v.iops}`, ops, "Sum", {
      period: 60,
      yAxisLabel: "IOPS",
      horizontalLines: [
        { value: v.iops, label: "provisioned", color: "#d62728" },
        { value: t.iops, label: `alarm (${pct}%)`, color: "#ff7f0e" },
      ],
    });
    const bytes = [
      { expression: "(m1+m2)/PERIOD(m1)/1048576", label: "MiB/s", id: "e1" },
      [EBS, "VolumeReadBytes", "VolumeId", v.volumeId, { id: "m1", visible: false }],
      [EBS, "VolumeWriteBytes", "VolumeId", v.volumeId, { id: "m2", visible: false }],
    ];
    m.addWidget(`EBS ${v.label}: throughput vs provisioned ${v.throughputMiBps} MiB/s`, bytes, "Sum", {
      period: 60,
      yAxisLabel: "MiB/s",
      horizontalLines: [
        { value: v.throughputMiBps, label: "provisioned", color: "#d62728" },
        { value: t.throughputMiBps, label: `alarm (${pct}%)`, color: "#ff7f0e" },
      ],
    });
  }
  m.addWidget(
    "EBS queue length (outstanding I/O)",
    p.volumes.map((v) => [EBS, "VolumeQueueLength", "VolumeId", v.volumeId, { label: v.label }]),
    "Average",
    { period: 60 },
  );

  const inst = { InstanceId: p.instanceId };
  for (const metricName of ["EBSIOBalance%", "EBSByteBalance%"]) {
    alarm(`instance-${metricName.replace(/%$/, "").toLowerCase()}`, {
      alarmName: `${host}-${metricName.replace(/%$/, "").toLowerCase()}`,
      alarmDescription: `Instance ${metricName} below 20%: the instance's own EBS bandwidth (not the volume) is the limit; use a larger instance size`,
      comparisonOperator: "LessThanThreshold",
      namespace: "AWS/EC2",
      metricName,
      dimensions: inst,
      statistic: "Minimum",
      period: 300,
      evaluationPeriods: 2,
      threshold: 20,
      ...notify,
    });
  }
  alarm("cpu-steal", {
    alarmName: `${host}-cpu-steal`,
    alarmDescription:
      "CPU steal ≥ 10% for 15 minutes: the hypervisor withholds CPU (burstable baseline or host contention)",
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    namespace: CW_AGENT_NAMESPACE,
    metricName: CW_METRICS.cpuSteal,
    dimensions: inst,
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    threshold: 10,
    ...notify,
  });
  alarm("swap", {
    alarmName: `${host}-swap`,
    alarmDescription:
      "Swap ≥ 25% used for 10 minutes: the Secure Agent's JVMs and DTM processes need more memory",
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    namespace: CW_AGENT_NAMESPACE,
    metricName: CW_METRICS.swapUsedPercent,
    dimensions: inst,
    statistic: "Average",
    period: 300,
    evaluationPeriods: 2,
    threshold: 25,
    ...notify,
  });
  alarm("secure-agent-down", {
    alarmName: `${host}-secure-agent-down`,
    alarmDescription: `No process matches "${p.agentCorePattern}" for 5 minutes: the IICS Secure Agent is not running (or the CloudWatch agent stopped reporting)`,
    comparisonOperator: "LessThanThreshold",
    namespace: CW_AGENT_NAMESPACE,
    metricName: CW_METRICS.procPidCount,
    dimensions: { ...inst, pattern: p.agentCorePattern },
    statistic: "Minimum",
    period: 60,
    evaluationPeriods: 5,
    threshold: 1,
    treatMissingData: "breaching",
  });
  if (isBurstable(p.instanceType)) {
    alarm("cpu-surplus-credits", {
      alarmName: `${host}-cpu-surplus-credits`,
      alarmDescription: `${p.instanceType} is spending surplus CPU credits (charged in unlimited mode) for 15 minutes: the host needs a larger or non-burstable type`,
      comparisonOperator: "GreaterThanThreshold",
      namespace: "AWS/EC2",
      metricName: "CPUSurplusCreditBalance",
      dimensions: inst,
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 3,
      threshold: 0,
      ...notify,
    });
    m.addWidget(
      `CPU credits (${p.instanceType})`,
      [
        ["AWS/EC2", "CPUCreditBalance", "InstanceId", p.instanceId],
        ["AWS/EC2", "CPUSurplusCreditBalance", "InstanceId", p.instanceId],
      ],
      "Average",
    );
  }

  m.addWidget(
    "Secure Agent host CPU steal / iowait %",
    [
      [CW_AGENT_NAMESPACE, CW_METRICS.cpuSteal, "InstanceId", p.instanceId],
      [CW_AGENT_NAMESPACE, CW_METRICS.cpuIowait, "InstanceId", p.instanceId],
    ],
    "Average",
    { period: 60, horizontalLines: [{ value: 10, label: "steal alarm" }] },
  );
  m.addWidget(
    "Secure Agent host memory / swap %",
    [
      [CW_AGENT_NAMESPACE, CW_METRICS.memUsedPercent, "InstanceId", p.instanceId],
      [CW_AGENT_NAMESPACE, CW_METRICS.swapUsedPercent, "InstanceId", p.instanceId],
    ],
    "Average",
    { period: 60 },
  );
  m.addWidget(
    "Secure Agent processes (count by pattern) and blocked processes",
    [
      ...p.processPatterns.map((pattern) => [
        CW_AGENT_NAMESPACE,
        CW_METRICS.procPidCount,
        "InstanceId",
        p.instanceId,
        "pattern",
        pattern,
      ]),
      [CW_AGENT_NAMESPACE, CW_METRICS.processesBlocked, "InstanceId", p.instanceId],
      [CW_AGENT_NAMESPACE, CW_METRICS.processesTotal, "InstanceId", p.instanceId],
    ],
    "Maximum",
    { period: 60 },
  );
  m.addWidget(
    "Secure Agent processes CPU % / RSS",
    p.processPatterns.flatMap((pattern) => [
      [CW_AGENT_NAMESPACE, CW_METRICS.procCpu, "InstanceId", p.instanceId, "pattern", pattern],
      [
        CW_AGENT_NAMESPACE,
        CW_METRICS.procRss,
        "InstanceId",
        p.instanceId,
        "pattern",
        pattern,
        { yAxis: "right" },
      ],
    ]),
    "Average",
    { period: 60 },
  );
  m.addWidget(
    "Instance EBS burst balance % (sizes below 4xlarge)",
    [
      ["AWS/EC2", "EBSIOBalance%", "InstanceId", p.instanceId],
      ["AWS/EC2", "EBSByteBalance%", "InstanceId", p.instanceId],
    ],
    "Minimum",
  );
}
